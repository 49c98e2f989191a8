package dev.ocilayout.content;

import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.RawManifest;
import java.io.IOException;

/** Where manifests and indexes are found by tag or digest, and read as their exact bytes. */
public interface ManifestSource {
    /**
     * The descriptor a tag or a digest names.
     *
     * @throws dev.ocilayout.error.NotFoundException when nothing is there under that reference
     */
    Descriptor resolve(String reference) throws IOException;

    /**
     * The manifest's exact bytes, bounded by the manifest size cap and checked against the descriptor.
     *
     * @throws dev.ocilayout.error.NotFoundException when the source has no such manifest
     */
    RawManifest fetchManifest(Descriptor manifest) throws IOException;
}
