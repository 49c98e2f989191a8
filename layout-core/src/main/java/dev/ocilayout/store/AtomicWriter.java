package dev.ocilayout.store;

import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.io.Fs;
import dev.ocilayout.io.WritableFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Replaces a file atomically and durably: write a temp file in the layout's {@code ingest/}, fsync it,
 * read it back and compare, rename it over the target, fsync the target's directory. A crash at any
 * point leaves either the old file or the new one, never a mix (reliability.md G4).
 */
public final class AtomicWriter {
    /** Writes a file's content to a stream; may throw to abort, leaving the target as it was. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final int CHUNK = 1 << 16;

    private final Fs fs;
    private final LayoutFiles files;

    public AtomicWriter(Fs fs, LayoutFiles files) {
        this.fs = fs;
        this.files = files;
    }

    public void replace(Path target, byte[] bytes) throws IOException {
        replace(target, out -> out.write(bytes));
    }

    /**
     * Replaces {@code target} with what {@code body} writes, as it is made (a large {@code index.json} is
     * never held whole in memory): the read-back is compared with the length and CRC-32C of what was written.
     */
    public void replace(Path target, Body body) throws IOException {
        fs.createDirectory(files.ingest());
        Path temp = files.newTemp();
        boolean moved = false;
        try {
            CRC32C written = new CRC32C();
            long length;
            try (WritableFile file = fs.createNew(temp)) {
                Sink sink = new Sink(file, written);
                body.writeTo(sink);
                sink.drain();
                length = sink.length;
                file.force();
            }
            verify(temp, length, written.getValue());
            fs.moveAtomic(temp, target);
            moved = true;
            fs.syncDirectory(target.getParent());
        } finally {
            if (!moved) {
                fs.deleteIfExists(temp);
            }
        }
    }

    private void verify(Path temp, long length, long crc) throws IOException {
        CRC32C read = new CRC32C();
        long total = 0;
        byte[] chunk = new byte[CHUNK];
        try (FileChannel ch = fs.openRead(temp); InputStream in = Channels.newInputStream(ch)) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                read.update(chunk, 0, n);
                total += n;
            }
        }
        if (total != length || read.getValue() != crc) {
            throw new IntegrityException(temp + ": read-back after write differs from what was written");
        }
    }

    /** A buffered stream into a {@link WritableFile} that keeps a CRC-32C and the length of what it passes on. */
    private static final class Sink extends OutputStream {
        private final WritableFile file;
        private final CRC32C crc;
        private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long length;

        Sink(WritableFile file, CRC32C crc) {
            this.file = file;
            this.crc = crc;
        }

        @Override
        public void write(int b) throws IOException {
            if (!buffer.hasRemaining()) {
                drain();
            }
            buffer.put((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (!buffer.hasRemaining()) {
                    drain();
                }
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
                off += n;
                len -= n;
            }
        }

        void drain() throws IOException {
            buffer.flip();
            crc.update(buffer.array(), 0, buffer.limit());
            length += buffer.limit();
            file.write(buffer);
            buffer.clear();
        }
    }
}
