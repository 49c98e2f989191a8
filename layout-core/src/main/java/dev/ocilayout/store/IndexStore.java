package dev.ocilayout.store;

import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.io.Fs;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ModelJson;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;

/**
 * The one place that reads and writes a layout's {@code index.json}.
 *
 * <p>Every change is read-modify-write under the layout lock, starting from what is on disk (never a
 * cached copy), written atomically and durably. An {@code index.json} that does not parse is never
 * rewritten: the change fails with {@link InvalidLayoutException} and the bytes stay as they were (G7).
 */
public final class IndexStore {
    /** A change to the index; may throw to abort without writing. */
    @FunctionalInterface
    public interface Change {
        ImageIndex apply(ImageIndex current) throws IOException;
    }

    private final Fs fs;
    private final LayoutFiles files;
    private final LayoutLock lock;
    private final AtomicWriter writer;
    private final int maxBytes;
    private volatile Snapshot cached;

    /** A parsed index with the exact bytes it came from, so an update can tell it still holds without parsing. */
    private record Snapshot(Object fileKey, long size, long modified, byte[] bytes, ImageIndex index) {
    }

    public IndexStore(Fs fs, LayoutFiles files, LayoutLock lock, int maxBytes) {
        this.fs = fs;
        this.files = files;
        this.lock = lock;
        this.writer = new AtomicWriter(fs, files);
        this.maxBytes = maxBytes;
    }

    /**
     * The current index. Reads are lock-free: the file is only ever replaced by rename, so a reader sees
     * one whole version. A parsed copy is reused while the file's identity, size and time are unchanged.
     */
    public ImageIndex read() throws IOException {
        Path p = files.indexJson();
        BasicFileAttributes a = attributes(p);
        Snapshot s = cached;
        if (s != null && a.fileKey() != null && Objects.equals(s.fileKey, a.fileKey()) && s.size == a.size()
                && s.modified == a.lastModifiedTime().toMillis()) {
            return s.index;
        }
        byte[] bytes = readBytes(p);
        ImageIndex index = parse(bytes);
        cached = new Snapshot(a.fileKey(), a.size(), a.lastModifiedTime().toMillis(), bytes, index);
        return index;
    }

    /**
     * Applies {@code change} under the layout lock to the index as it is on disk and writes the result
     * atomically. Nothing is written when the change returns an equal index. The index the change starts
     * from is always the file's bytes as they are now, read under the lock; they are parsed again only when
     * they differ from the ones last read (a command that resolved a tag and then tags parses a large
     * index.json once, not twice).
     *
     * @return the index as written (or as found, when unchanged)
     */
    public ImageIndex update(Change change) throws IOException {
        try (LayoutLock.Held held = lock.acquire()) {
            Path p = files.indexJson();
            attributes(p);
            Snapshot s = cached;
            cached = null; // its bytes can go before the new index is written
            ImageIndex current = s != null && sameBytes(p, s.bytes) ? s.index : parse(readBytes(p));
            ImageIndex next = Objects.requireNonNull(change.apply(current), "change returned null");
            if (next == current || next.equals(current)) {
                return current;
            }
            writer.replace(p, out -> ModelJson.writeIndex(next, new Limited(out, maxBytes)));
            return next;
        }
    }

    /** Whether the file holds exactly {@code bytes}, read a chunk at a time (no second copy of a large file). */
    private boolean sameBytes(Path p, byte[] bytes) throws IOException {
        byte[] chunk = new byte[1 << 16];
        int at = 0;
        try (FileChannel ch = fs.openRead(p); InputStream in = Channels.newInputStream(ch)) {
            int n;
            while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
                if (at + n > bytes.length || !Arrays.equals(chunk, 0, n, bytes, at, at + n)) {
                    return false;
                }
                at += n;
            }
        }
        return at == bytes.length;
    }

    /** Refuses to write an {@code index.json} over the limit that reading it would refuse. */
    private static final class Limited extends FilterOutputStream {
        private final int max;
        private long written;

        Limited(OutputStream out, int max) {
            super(out);
            this.max = max;
        }

        @Override
        public void write(int b) throws IOException {
            count(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count(len);
            out.write(b, off, len);
        }

        private void count(int n) throws InvalidContentException {
            written += n;
            if (written > max) {
                throw Hint.on(new InvalidContentException("index.json would be over the limit of " + max
                        + " bytes"), Hint.Kind.RAISE_INDEX_LIMIT);
            }
        }
    }

    private BasicFileAttributes attributes(Path p) throws IOException {
        BasicFileAttributes a;
        try {
            a = fs.attributes(p);
        } catch (NoSuchFileException e) {
            throw new InvalidLayoutException(files.root() + ": index.json is missing");
        }
        if (!a.isRegularFile()) {
            throw new InvalidLayoutException(files.root() + ": index.json is not a regular file"
                    + (a.isSymbolicLink() ? " (a symbolic link, which this tool never follows)" : ""));
        }
        if (a.size() > maxBytes) {
            throw Hint.on(new InvalidLayoutException(files.root() + ": index.json is " + a.size()
                    + " bytes, over the limit of " + maxBytes + " bytes"), Hint.Kind.RAISE_INDEX_LIMIT);
        }
        return a;
    }

    private byte[] readBytes(Path p) throws IOException {
        byte[] bytes;
        try (FileChannel ch = fs.openRead(p); InputStream in = Channels.newInputStream(ch)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw new InvalidLayoutException(files.root() + ": index.json is over the limit of " + maxBytes + " bytes");
        }
        return bytes;
    }

    private ImageIndex parse(byte[] bytes) throws IOException {
        try {
            return ModelJson.parseIndex(bytes, files.root().resolve("index.json").toString());
        } catch (InvalidContentException e) {
            throw new InvalidLayoutException(e.getMessage()
                    + " (the file is left as it is; inspect it, or restore it from a backup)", e);
        }
    }
}
