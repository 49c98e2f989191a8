package dev.ocilayout.content;

import dev.ocilayout.model.Descriptor;
import java.io.IOException;

/**
 * A sink that can take a blob without its bytes (a registry mounting it from another of its repositories,
 * a layout hard-linking it from another on the same file system). A copy asks before it sends the bytes.
 */
public interface BlobMount {
    /** Whether the blob is now there without being sent. */
    boolean mount(Descriptor blob) throws IOException;
}
