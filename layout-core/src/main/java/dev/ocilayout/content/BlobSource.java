package dev.ocilayout.content;

import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;

/** Where blobs are read by descriptor (a layout, a registry repository, an archive). */
public interface BlobSource {
    /**
     * The blob's content, verified as it is read: the stream fails at its end, with an
     * {@link dev.ocilayout.error.IntegrityException}, when the bytes do not match the descriptor's digest and size.
     *
     * @throws dev.ocilayout.error.NotFoundException when the source has no such blob
     */
    InputStream fetch(Descriptor blob) throws IOException;

    /**
     * The blob's content for a {@link BlobSink}, which verifies what it takes against the descriptor (and
     * refuses it, leaving nothing, when it does not match): the source may leave its own check out, so
     * that a copy hashes each byte once. By default, {@link #fetch}.
     */
    default InputStream fetchForSink(Descriptor blob) throws IOException {
        return fetch(blob);
    }

    /** Whether the source has the blob. */
    boolean exists(Descriptor blob) throws IOException;
}
