package dev.ocilayout.store;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.io.Fs;
import dev.ocilayout.io.Parallel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operations over many blobs at once that gc, fsck and discover use: listing {@code blobs/}, examining
 * entries in parallel relative to their open algorithm directory, deleting and fsyncing. {@link BlobStore}
 * is the one entry point; this class is its bulk half, apart from the one-blob reads and writes.
 */
final class BlobSweep {
    private final Fs fs;
    private final LayoutFiles files;
    private final BlobStore store;

    BlobSweep(Fs fs, LayoutFiles files, BlobStore store) {
        this.fs = fs;
        this.files = files;
        this.store = store;
    }

    /**
     * Lists everything under {@code blobs/} without following links: every entry of every algorithm
     * directory, plus entries of {@code blobs/} itself that are not directories. Sorted by path. The
     * entries are examined in parallel, relative to the open directory.
     */
    public List<BlobStore.BlobFile> scan() throws IOException {
        List<BlobStore.BlobFile> all = new ArrayList<>();
        for (Path p : sortedList(files.blobs())) {
            BasicFileAttributes a = fs.attributes(p);
            if (!a.isDirectory()) {
                all.add(new BlobStore.BlobFile(p, null, a));
                continue;
            }
            String algorithm = p.getFileName().toString();
            try (Fs.DirectoryHandle dir = fs.openDirectory(p)) {
                List<String> names = new ArrayList<>(dir.names());
                names.sort(null);
                List<BasicFileAttributes> attrs = Parallel.map(names, Parallel.IO_THREADS, dir::attributes);
                for (int i = 0; i < names.size(); i++) {
                    all.add(new BlobStore.BlobFile(p.resolve(names.get(i)), Digest.tryParse(algorithm + ":" + names.get(i)),
                            attrs.get(i)));
                }
            }
        }
        return all;
    }

    /**
     * The digests named in the algorithm directories of {@code blobs/}, in directory order: every entry
     * whose name is a valid digest of its directory's algorithm. Only names are read (no entry is
     * examined), so listing 100,000 blobs costs a few directory reads; callers check an entry before they
     * act on it ({@link #examine}, {@link #deleteIf}).
     */
    public List<Digest> digests() throws IOException {
        List<Digest> all = new ArrayList<>();
        for (Path p : sortedList(files.blobs())) {
            if (!fs.attributes(p).isDirectory()) {
                continue;
            }
            String algorithm = p.getFileName().toString();
            try (Fs.DirectoryHandle dir = fs.openDirectory(p)) {
                for (String name : dir.names()) {
                    try {
                        all.add(new Digest(algorithm, name));
                    } catch (IllegalArgumentException notADigest) {
                        // not a blob: left alone (fsck reports it)
                    }
                }
            }
        }
        return all;
    }

    /**
     * Examines many blobs in parallel, relative to the open algorithm directory: each entry's attributes
     * and, for a regular file of {@code minContentBytes} to {@code maxContentBytes} bytes whose bytes
     * {@code test} accepts, its content (gc reads the small unreachable blobs to find referrers among
     * them, and keeps only the bytes of those that could be). Of a blob whose first 4 KiB {@code test}
     * already refuses, nothing more is read. Results are in the order of {@code digests}.
     */
    public List<BlobStore.Examined> examine(List<Digest> digests, int minContentBytes, int maxContentBytes, BlobStore.ContentTest test)
            throws IOException {
        List<BlobStore.Examined> found = inAlgorithmDirs(digests, Parallel.IO_THREADS, (dir, d) -> {
            BasicFileAttributes a;
            try {
                a = dir.attributes(d.encoded());
            } catch (NoSuchFileException gone) {
                return new BlobStore.Examined(null, null);
            }
            if (!a.isRegularFile() || a.size() < minContentBytes || a.size() > maxContentBytes) {
                return new BlobStore.Examined(a, null);
            }
            try (java.nio.channels.SeekableByteChannel ch = dir.openRead(d.encoded())) {
                int size = (int) a.size();
                ByteBuffer buf = ByteBuffer.allocate(Math.min(size, BlobStore.EXAMINE_HEAD_BYTES));
                fill(ch, buf);
                if (!test.mayPass(buf.array(), buf.position())) {
                    return new BlobStore.Examined(a, null);
                }
                if (!buf.hasRemaining() && size > buf.capacity()) {
                    buf = ByteBuffer.allocate(size).put(buf.flip());
                    fill(ch, buf);
                }
                byte[] content = buf.hasRemaining() ? java.util.Arrays.copyOf(buf.array(), buf.position()) : buf.array();
                return new BlobStore.Examined(a, test.test(content) ? content : null);
            } catch (NoSuchFileException gone) {
                return new BlobStore.Examined(null, null);
            }
        });
        found.replaceAll(e -> e != null ? e : new BlobStore.Examined(null, null));
        return found;
    }

    /** Reads until the buffer is full or the channel ends. */
    private static void fill(java.nio.channels.ReadableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
            // read until full or end of file
        }
    }

    /**
     * Deletes blobs, in parallel, each only if it is a regular file and {@code stillDeletable} accepts its
     * attributes as read just before the deletion (gc re-checks the age there). Returns the attributes of
     * the blobs actually deleted, by digest; the directories are fsynced afterwards, so what gc reports as
     * removed stays removed after a power cut.
     */
    public java.util.Map<Digest, BasicFileAttributes> deleteIf(List<Digest> digests,
            java.util.function.Predicate<BasicFileAttributes> stillDeletable) throws IOException {
        java.util.Map<Digest, BasicFileAttributes> deleted = new ConcurrentHashMap<>();
        inAlgorithmDirs(digests, Parallel.UNLINK_THREADS, (dir, d) -> {
            try {
                BasicFileAttributes a = dir.attributes(d.encoded());
                if (a.isRegularFile() && stillDeletable.test(a) && dir.delete(d.encoded())) {
                    deleted.put(d, a);
                }
            } catch (NoSuchFileException gone) {
                // already gone
            }
            return null;
        });
        Set<String> algorithms = new java.util.TreeSet<>();
        deleted.keySet().forEach(d -> algorithms.add(d.algorithm()));
        for (String algorithm : algorithms) {
            fs.syncDirectory(files.algorithmDir(algorithm));
        }
        return deleted;
    }

    /** One step on an entry of an open algorithm directory. */
    @FunctionalInterface
    private interface EntryFunction<R> {
        R apply(Fs.DirectoryHandle dir, Digest digest) throws IOException;
    }

    /**
     * Applies {@code f} to every digest's entry on {@code threads} threads, each algorithm directory opened
     * once; results in the order of {@code digests}, null for digests whose algorithm directory is absent.
     */
    private <R> List<R> inAlgorithmDirs(List<Digest> digests, int threads, EntryFunction<R> f) throws IOException {
        java.util.Map<String, List<Integer>> byAlgorithm = new java.util.TreeMap<>();
        for (int i = 0; i < digests.size(); i++) {
            byAlgorithm.computeIfAbsent(digests.get(i).algorithm(), k -> new ArrayList<>()).add(i);
        }
        List<R> out = new ArrayList<>(java.util.Collections.nCopies(digests.size(), null));
        for (java.util.Map.Entry<String, List<Integer>> e : byAlgorithm.entrySet()) {
            store.checkAlgorithmDir(e.getKey(), false);
            Fs.DirectoryHandle dir;
            try {
                dir = fs.openDirectory(files.algorithmDir(e.getKey()));
            } catch (NoSuchFileException absent) {
                continue; // no entries: their results stay null
            }
            try (dir) {
                List<R> results = Parallel.map(e.getValue(), threads, i -> f.apply(dir, digests.get(i)));
                for (int k = 0; k < results.size(); k++) {
                    out.set(e.getValue().get(k), results.get(k));
                }
            }
        }
        return out;
    }


    List<Path> sortedList(Path dir) throws IOException {
        List<Path> list = new ArrayList<>();
        try (DirectoryStream<Path> entries = fs.list(dir)) {
            entries.forEach(list::add);
        } catch (NoSuchFileException e) {
            return list;
        }
        list.sort(null);
        return list;
    }
}
