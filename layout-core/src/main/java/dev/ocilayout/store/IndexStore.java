package dev.ocilayout.store;

import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.io.Fs;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ModelJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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

    private record Snapshot(Object fileKey, long size, long modified, ImageIndex index) {
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
        ImageIndex index = parse(p, a);
        cached = new Snapshot(a.fileKey(), a.size(), a.lastModifiedTime().toMillis(), index);
        return index;
    }

    /**
     * Applies {@code change} under the layout lock to the index as it is on disk and writes the result
     * atomically. Nothing is written when the change returns an equal index.
     *
     * @return the index as written (or as found, when unchanged)
     */
    public ImageIndex update(Change change) throws IOException {
        try (LayoutLock.Held held = lock.acquire()) {
            Path p = files.indexJson();
            ImageIndex current = parse(p, attributes(p));
            ImageIndex next = Objects.requireNonNull(change.apply(current), "change returned null");
            if (next.equals(current)) {
                return current;
            }
            byte[] bytes = ModelJson.toBytes(next, true);
            if (bytes.length > maxBytes) {
                throw Hint.on(new InvalidContentException("index.json would be " + bytes.length
                        + " bytes, over the limit of " + maxBytes + " bytes"), Hint.Kind.RAISE_INDEX_LIMIT);
            }
            writer.replace(p, bytes);
            cached = null;
            return next;
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

    private ImageIndex parse(Path p, BasicFileAttributes a) throws IOException {
        byte[] bytes;
        try (FileChannel ch = fs.openRead(p); InputStream in = Channels.newInputStream(ch)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw new InvalidLayoutException(files.root() + ": index.json is over the limit of " + maxBytes + " bytes");
        }
        try {
            return ModelJson.parseIndex(bytes, files.root().resolve("index.json").toString());
        } catch (InvalidContentException e) {
            throw new InvalidLayoutException(e.getMessage()
                    + " (the file is left as it is; inspect it, or restore it from a backup)", e);
        }
    }
}
