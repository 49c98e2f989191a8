package dev.ocilayout.content;

import dev.ocilayout.model.Descriptor;
import java.io.IOException;

/**
 * A target whose bookkeeping a copy can hold back and write in one step at its end: a layout stores blobs
 * and manifests as they come, but records referrers and the root in {@code index.json} once, under its
 * lock, after everything is in place, so a copy that fails tags nothing and leaves no half-recorded state.
 */
public interface Staging {
    /** Begins a copy into this target. */
    Stage stage() throws IOException;

    /** The target as a copy sees it while staging. */
    interface Stage extends Target {
        /**
         * Records what was held back, and {@code root} under {@code tag} (kept untagged when {@code tag} is
         * null), in one step; refuses, changing nothing, when something it needs is not in place.
         */
        void commit(Descriptor root, String tag) throws IOException;
    }
}
