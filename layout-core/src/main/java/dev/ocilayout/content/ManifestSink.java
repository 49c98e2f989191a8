package dev.ocilayout.content;

import dev.ocilayout.model.RawManifest;
import java.io.IOException;

/** Where manifests are written, untagged (a {@link Tagger} names them). */
public interface ManifestSink {
    /**
     * Stores a manifest's exact bytes; everything it references must be there already. One with a
     * {@code subject} is recorded as a referrer of it, the way the sink records referrers.
     */
    void pushManifest(RawManifest manifest) throws IOException;
}
