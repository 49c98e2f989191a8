package dev.ocilayout.content;

import dev.ocilayout.model.Descriptor;
import java.io.IOException;

/** Where manifests are written, untagged (a {@link Tagger} names them). */
public interface ManifestSink {
    /**
     * Stores a manifest's exact bytes, which must match {@code manifest}; everything it references must be
     * there already.
     */
    void pushManifest(Descriptor manifest, byte[] bytes) throws IOException;
}
