package dev.ocilayout.content;

import dev.ocilayout.model.RawManifest;
import java.io.IOException;

/** A repository that can also be written: a layout, or a registry repository. */
public interface Target extends ReadOnlyTarget, BlobSink, ManifestSink, Tagger {
    /**
     * Stores a manifest and tags it, in one step where the target has one (a registry takes the manifest
     * under its tag in one request, as oras-go's {@code ReferencePusher} does).
     */
    default void pushManifest(RawManifest manifest, String tag) throws IOException {
        pushManifest(manifest);
        tag(manifest.descriptor(), tag);
    }
}
