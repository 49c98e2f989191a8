package dev.ocilayout.testing;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Builds content graphs in a layout for tests, in a few lines each (oras-go's test style). */
public final class LayoutBuilder {
    private final Layout layout;

    public LayoutBuilder(Layout layout) {
        this.layout = layout;
    }

    public Layout layout() {
        return layout;
    }

    public Descriptor blob(String content, String mediaType) throws IOException {
        return layout.blobs().put(content.getBytes(StandardCharsets.UTF_8), mediaType);
    }

    /** An image manifest with a config and layers made from the given strings. */
    public Descriptor image(String name, String... layers) throws IOException {
        Descriptor config = blob("{\"name\":\"" + name + "\"}", MediaType.OCI_CONFIG);
        Descriptor[] ls = new Descriptor[layers.length];
        for (int i = 0; i < layers.length; i++) {
            ls[i] = blob(layers[i], MediaType.OCI_LAYER);
        }
        return manifest(config, null, null, ls);
    }

    public Descriptor manifest(Descriptor config, Descriptor subject, String artifactType, Descriptor... layers)
            throws IOException {
        ImageManifest m = new ImageManifest(2, MediaType.OCI_MANIFEST, artifactType, config, List.of(layers),
                subject == null ? null : Descriptor.of(subject.mediaType(), subject.digest(), subject.size()), null, null);
        return layout.blobs().put(ModelJson.toBytes(m), MediaType.OCI_MANIFEST);
    }

    /** An artifact with subject: empty config, one layer. */
    public Descriptor referrer(Descriptor subject, String artifactType, String content) throws IOException {
        Descriptor empty = blob("{}", MediaType.OCI_EMPTY);
        return manifest(empty, subject, artifactType, blob(content, "application/octet-stream"));
    }

    public Descriptor index(Descriptor... entries) throws IOException {
        ImageIndex i = new ImageIndex(2, MediaType.OCI_INDEX, null, List.of(entries), null, null, null);
        return layout.blobs().put(ModelJson.toBytes(i, false), MediaType.OCI_INDEX);
    }

    public void tag(String name, Descriptor d) throws IOException {
        layout.index().update(i -> Tags.tag(i, name, d));
    }

    public void untagged(Descriptor d) throws IOException {
        layout.index().update(i -> Tags.addUntagged(i, d));
    }

    public void entry(Descriptor d) throws IOException {
        layout.index().update(i -> {
            List<Descriptor> list = new java.util.ArrayList<>(i.manifests());
            list.add(d);
            return i.withManifests(list);
        });
    }

    /** A descriptor for a digest that is not stored. */
    public static Descriptor absent(String mediaType, char fill) {
        return Descriptor.of(mediaType, Digest.parse("sha256:" + String.valueOf(fill).repeat(64)), 10);
    }

    public static Map<String, String> annotations(String... kv) {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
