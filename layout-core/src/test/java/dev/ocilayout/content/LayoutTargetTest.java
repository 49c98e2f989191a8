package dev.ocilayout.content;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ocilayout.Layout;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Target} contract on a layout, and what only a layout can show: a blob damaged on disk. */
class LayoutTargetTest extends TargetContract {
    @TempDir
    Path tmp;
    int n;

    @Override
    protected Target target() throws Exception {
        return new LayoutTarget(Layout.create(tmp.resolve("layout-" + n++)));
    }

    @Test
    void aBlobDamagedOnDiskFailsItsFetchAtTheEnd() throws Exception {
        LayoutTarget t = (LayoutTarget) target();
        Descriptor d = blob(LAYER, MediaType.OCI_LAYER);
        t.push(d, bytes(LAYER));
        Files.writeString(t.layout().files().blob(d.digest()), "a layeR");
        assertThrows(IntegrityException.class, () -> {
            try (InputStream in = t.fetch(d)) {
                in.readAllBytes();
            }
        });
    }
}
