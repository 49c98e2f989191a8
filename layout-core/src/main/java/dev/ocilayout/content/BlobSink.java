package dev.ocilayout.content;

import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;

/** Where blobs are written. */
public interface BlobSink {
    /**
     * Stores {@code content}, which must match {@code expected}'s digest and size; content that does not is
     * refused and leaves nothing behind.
     */
    void push(Descriptor expected, InputStream content) throws IOException;
}
