package dev.ocilayout.testing;

import dev.ocilayout.Layout;
import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.nio.file.Path;

/** A layout with two images tagged v1 and v2 that share one layer: the archive tests' source. */
public record TwoImages(Layout layout, LayoutBuilder builder, Descriptor v1, Descriptor v2) {
    public static TwoImages create(Path dir) throws IOException {
        Layout layout = Layout.create(dir);
        LayoutBuilder b = new LayoutBuilder(layout);
        Descriptor v1 = b.image("v1", "layer-a", "shared");
        Descriptor v2 = b.image("v2", "layer-b", "shared");
        b.tag("v1", v1);
        b.tag("v2", v2);
        return new TwoImages(layout, b, v1, v2);
    }
}
