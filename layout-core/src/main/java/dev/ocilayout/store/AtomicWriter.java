package dev.ocilayout.store;

import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.io.Fs;
import dev.ocilayout.io.WritableFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Replaces a small file atomically and durably: write a temp file in the layout's {@code ingest/}, fsync
 * it, read it back and compare, rename it over the target, fsync the target's directory. A crash at any
 * point leaves either the old file or the new one, never a mix (reliability.md G4).
 */
public final class AtomicWriter {
    private final Fs fs;
    private final LayoutFiles files;

    public AtomicWriter(Fs fs, LayoutFiles files) {
        this.fs = fs;
        this.files = files;
    }

    public void replace(Path target, byte[] bytes) throws IOException {
        fs.createDirectory(files.ingest());
        Path temp = files.newTemp();
        boolean moved = false;
        try {
            try (WritableFile out = fs.createNew(temp)) {
                out.write(ByteBuffer.wrap(bytes));
                out.force();
            }
            verify(temp, bytes);
            fs.moveAtomic(temp, target);
            moved = true;
            fs.syncDirectory(target.getParent());
        } finally {
            if (!moved) {
                fs.deleteIfExists(temp);
            }
        }
    }

    private void verify(Path temp, byte[] expected) throws IOException {
        byte[] actual;
        try (FileChannel ch = fs.openRead(temp); InputStream in = Channels.newInputStream(ch)) {
            actual = in.readNBytes(expected.length + 1);
        }
        if (!Arrays.equals(actual, expected)) {
            throw new IntegrityException(temp + ": read-back after write differs from what was written");
        }
    }
}
