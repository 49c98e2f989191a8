package dev.ocilayout.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileLock;
import java.nio.file.Path;

/** A new file being written through the {@link Fs} seam. Closing it does not delete it. */
public interface WritableFile extends Closeable {
    Path path();

    /** Writes all remaining bytes of {@code buffer}. */
    void write(ByteBuffer buffer) throws IOException;

    /** fsync: data and metadata reach the device before this returns. */
    void force() throws IOException;

    /**
     * Asks for the data written so far to start going to the device without waiting for it, so that a
     * later {@link #force()} has less to do. A hint: it promises nothing about durability.
     */
    void startWriteback();

    /**
     * Takes an exclusive lock on this file for as long as it is open, to tell other processes (gc) that
     * it is in flight. Returns null when the file system does not support it.
     */
    FileLock tryLock() throws IOException;
}
