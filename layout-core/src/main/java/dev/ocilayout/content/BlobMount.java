package dev.ocilayout.content;

import dev.ocilayout.model.Descriptor;
import java.io.IOException;

/**
 * A sink that can take a blob without its bytes being sent: a registry mounting it from another of its
 * repositories, a layout hard-linking it from another on the same file system. A copy asks before it sends
 * the bytes; a sink that cannot mount from {@code source} says no, and the bytes are sent.
 */
public interface BlobMount {
    /** Whether the blob, which {@code source} holds, is now here without its bytes being sent. */
    boolean mount(Descriptor blob, ReadOnlyTarget source) throws IOException;
}
