package dev.ocilayout.store;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.io.Fs;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * The content-addressed blobs of a layout, {@code blobs/<algorithm>/<encoded>}.
 *
 * <p>Writes stream through an {@link Ingest}: one pass, hashed while written, verified, fsynced, renamed
 * atomically. Reads never follow symbolic links and can verify digest and size as they go. Nothing here
 * loads a blob into memory except {@link #read(Descriptor, int)}, which is bounded for manifests.
 */
public final class BlobStore {
    private final Fs fs;
    private final LayoutFiles files;
    private final Set<String> checkedDirs = ConcurrentHashMap.newKeySet();
    private final BlobSweep sweep;
    private volatile boolean staleTempsSwept;

    public BlobStore(Fs fs, LayoutFiles files) {
        this.fs = fs;
        this.files = files;
        this.sweep = new BlobSweep(fs, files, this);
    }

    /** Where a blob is (or would be) stored. */
    public Path path(Digest digest) {
        return files.blob(digest);
    }

    /**
     * What is at the blob path, unfollowed (a link or folder there is reported as such), or null when
     * nothing is; {@link dev.ocilayout.error.InvalidLayoutException} when {@code blobs/<alg>} is not a folder.
     */
    public BasicFileAttributes attributes(Digest digest) throws IOException {
        checkAlgorithmDir(digest.algorithm(), false);
        try {
            return fs.attributes(files.blob(digest));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** True when a regular file is stored under the digest. */
    public boolean exists(Digest digest) throws IOException {
        return regularFileSize(digest) >= 0;
    }

    /** Size of the stored blob; {@link NotFoundException} when absent. */
    public long size(Digest digest) throws IOException {
        long size = regularFileSize(digest);
        if (size < 0) {
            throw notFound(digest);
        }
        return size;
    }

    /** Opens a blob for reading, unverified. */
    public InputStream open(Digest digest) throws IOException {
        return Channels.newInputStream(openChannel(digest));
    }

    /** Opens a blob as a channel, unverified (for zero-copy transfers). */
    public FileChannel openChannel(Digest digest) throws IOException {
        checkAlgorithmDir(digest.algorithm(), false);
        Path p = files.blob(digest);
        BasicFileAttributes a;
        try {
            a = fs.attributes(p);
        } catch (NoSuchFileException e) {
            throw notFound(digest);
        }
        if (!a.isRegularFile()) {
            throw notRegular(p, a);
        }
        return fs.openRead(p);
    }

    private InvalidLayoutException notRegular(Path p, BasicFileAttributes a) {
        return new InvalidLayoutException(relative(p) + " is not a regular file"
                + (a.isSymbolicLink() ? " (a symbolic link, which this tool never follows)" : ""));
    }

    private static void checkReadable(Descriptor d, int maxBytes) throws InvalidContentException {
        if (d.size() > maxBytes) {
            throw Hint.on(new InvalidContentException("blob " + d.digest() + " is " + d.size() + " bytes, over the limit of "
                    + maxBytes + " bytes for " + d.mediaType()), Hint.Kind.RAISE_MANIFEST_LIMIT);
        }
    }

    /** Opens a blob for reading; the stream fails at the end if size or digest differ from {@code d}. */
    public InputStream openVerified(Descriptor d) throws IOException {
        return new VerifyingInputStream(open(d.digest()), d.digest(), d.size(), "blob " + d.digest());
    }

    /**
     * Writes a stored blob to {@code out}, verifying size and digest with the hashing on a second core
     * ({@link VerifiedTransfer}); a mismatch is reported after the bytes were written.
     */
    public void transferVerified(Descriptor d, java.io.OutputStream out, LongConsumer progress) throws IOException {
        if (d.size() < VerifiedTransfer.PIPELINE_FROM_BYTES) {
            try (InputStream in = openVerified(d)) {
                byte[] buf = new byte[(int) Math.max(1, Math.min(d.size() + 1, 256 * 1024))];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    if (progress != null) {
                        progress.accept(n);
                    }
                }
            }
            return;
        }
        try (FileChannel ch = openChannel(d.digest())) {
            VerifiedTransfer.run(ch, d, out, progress);
        }
    }

    /**
     * Writes a stored blob at {@code target}'s position, copied by the kernel, verifying size and digest
     * on a second core ({@link VerifiedTransfer#runDirect}); a mismatch is reported after the bytes were written.
     */
    public void transferVerified(Descriptor d, FileChannel target, LongConsumer progress) throws IOException {
        try (FileChannel src = openChannel(d.digest()); FileChannel again = openChannel(d.digest())) {
            VerifiedTransfer.runDirect(src, again, d, target, progress);
        }
    }

    /**
     * Reads a small blob, such as a manifest, fully and verified. The size is checked against
     * {@code maxBytes} before anything is read.
     */
    public byte[] read(Descriptor d, int maxBytes) throws IOException {
        checkReadable(d, maxBytes);
        try (InputStream in = openVerified(d)) {
            return in.readAllBytes();
        }
    }

    /**
     * Publishes {@code source} (a blob of another layout, already verified there) as a hard link: no byte
     * is copied. Returns false when a link is not possible (another file system, links unsupported), so the
     * caller copies instead. The blob must not be present already.
     */
    public boolean linkFrom(Path source, Descriptor expected) throws IOException {
        checkAlgorithmDir(expected.digest().algorithm(), true);
        Path target = files.blob(expected.digest());
        try {
            BasicFileAttributes a = fs.attributes(source);
            if (!a.isRegularFile() || a.size() != expected.size()) {
                return false;
            }
            fs.link(target, source);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return regularFileSize(expected.digest()) == expected.size();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
        fs.syncDirectory(target.getParent());
        return true;
    }

    /** How {@link #copyFrom} placed a blob. */
    public enum Placed { ALREADY_HERE, LINKED, COPIED }

    /**
     * Places a blob of another layout's store here: nothing when an intact copy is already here (its age
     * refreshed), else a hard link when {@code link} is set and the file systems allow it, else a copy
     * verified as it is written.
     */
    public Placed copyFrom(BlobStore source, Descriptor d, boolean link, LongConsumer progress) throws IOException {
        if (touchIfIntact(d.digest(), d.size())) {
            return Placed.ALREADY_HERE;
        }
        if (link && linkFrom(source.path(d.digest()), d)) {
            return Placed.LINKED;
        }
        try (InputStream in = source.open(d.digest())) {
            put(in, d, progress);
        }
        return Placed.COPIED;
    }

    /** Starts writing a blob whose digest is not known yet. */
    public Ingest newIngest(DigestAlgorithm algorithm, String mediaType) throws IOException {
        return startIngest(algorithm, null, -1, mediaType);
    }

    /** Starts writing a blob that must match {@code expected} in size and digest. */
    public Ingest newIngest(Descriptor expected) throws IOException {
        Ingest.checkWritable(expected.digest());
        return startIngest(expected.digest().knownAlgorithm().orElseThrow(), expected.digest(), expected.size(),
                expected.mediaType());
    }

    /** Stores a stream as a new blob, computing its sha256 digest. */
    public Descriptor put(InputStream in, String mediaType, LongConsumer progress) throws IOException {
        return put(in, DigestAlgorithm.SHA256, mediaType, progress);
    }

    /** Stores a stream as a new blob, computing its digest with {@code algorithm}. */
    public Descriptor put(InputStream in, DigestAlgorithm algorithm, String mediaType, LongConsumer progress)
            throws IOException {
        return store(in, algorithm, mediaType, progress).descriptor();
    }

    /** A blob stored from a stream, and whether it was written (false: an intact copy was already there). */
    public record Stored(Descriptor descriptor, boolean written) {
    }

    /** Like {@link #put(InputStream, DigestAlgorithm, String, LongConsumer)}, saying whether it was new here. */
    public Stored store(InputStream in, DigestAlgorithm algorithm, String mediaType, LongConsumer progress)
            throws IOException {
        try (Ingest ingest = newIngest(algorithm, mediaType)) {
            copy(in, ingest, progress);
            Descriptor d = ingest.commit();
            return new Stored(d, ingest.wrote());
        }
    }

    /**
     * Stores a stream that must match {@code expected}. If an intact blob (regular file of the right size)
     * is already there, nothing is read and the existing blob is kept: re-ingesting is a cheap no-op.
     */
    public Descriptor put(InputStream in, Descriptor expected, LongConsumer progress) throws IOException {
        Ingest.checkWritable(expected.digest());
        if (touchIfIntact(expected.digest(), expected.size())) {
            return expected;
        }
        try (Ingest ingest = newIngest(expected)) {
            copy(in, ingest, progress);
            ingest.commit();
            return expected;
        }
    }

    /** Stores bytes this tool made (a manifest, a config). */
    public Descriptor put(byte[] bytes, String mediaType) throws IOException {
        Descriptor d = Descriptor.of(mediaType, Digest.sha256(bytes), bytes.length);
        if (touchIfIntact(d.digest(), d.size())) {
            return d;
        }
        try (Ingest ingest = newIngest(d)) {
            ingest.write(ByteBuffer.wrap(bytes));
            ingest.commit();
            return d;
        }
    }

    /**
     * Deletes this tool's temp files in {@code ingest/} older than {@code age} that no live writer holds.
     * Other tools' files there are left alone. Returns how many were removed.
     */
    public int removeStaleTemps(Duration age) throws IOException {
        int removed = 0;
        for (Path p : staleTemps(age)) {
            if (fs.deleteIfExists(p)) {
                removed++;
            }
        }
        return removed;
    }

    /**
     * A temp file younger than this is never stale, whatever age is asked for: a writer locks its temp
     * file just after creating it, and this covers the moment in between (found by GcRaceTest).
     */
    public static final Duration MIN_TEMP_AGE = Duration.ofSeconds(10);

    /**
     * This tool's temp files in {@code ingest/} older than {@code age} (and at least {@link #MIN_TEMP_AGE})
     * that no live writer holds.
     */
    public List<Path> staleTemps(Duration age) throws IOException {
        Instant cutoff = Instant.now().minus(age.compareTo(MIN_TEMP_AGE) < 0 ? MIN_TEMP_AGE : age);
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> entries = fs.list(files.ingest())) {
            for (Path p : entries) {
                if (!LayoutFiles.isOwnTemp(p.getFileName().toString())) {
                    continue;
                }
                BasicFileAttributes a = fs.attributes(p);
                if (a.isRegularFile() && !a.lastModifiedTime().toInstant().isAfter(cutoff) && !heldByWriter(p)) {
                    stale.add(p);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return stale;
    }

    /**
     * An entry under {@code blobs/}: a file in an algorithm directory, with its digest when its name is a
     * valid digest of that algorithm (else null), or anything else found there.
     */
    public record BlobFile(Path path, Digest digest, BasicFileAttributes attributes) {
        public boolean isBlob() {
            return digest != null && attributes.isRegularFile();
        }
    }

    /**
     * Lists everything under {@code blobs/} without following links: every entry of every algorithm
     * directory, plus entries of {@code blobs/} itself that are not directories. Sorted by path.
     */
    public List<BlobFile> scan() throws IOException {
        return sweep.scan();
    }

    /**
     * The digests named in the algorithm directories of {@code blobs/}, in directory order (names only: no
     * entry is examined); see {@link BlobSweep#digests()}.
     */
    public List<Digest> digests() throws IOException {
        return sweep.digests();
    }

    /** Each entry's attributes and, where {@code test} wants it, its content; see {@link BlobSweep#examine}. */
    public List<Examined> examine(List<Digest> digests, int minContentBytes, int maxContentBytes, ContentTest test)
            throws IOException {
        return sweep.examine(digests, minContentBytes, maxContentBytes, test);
    }

    /** Deletes the regular files {@code stillDeletable} accepts, then fsyncs; see {@link BlobSweep#deleteIf}. */
    public java.util.Map<Digest, BasicFileAttributes> deleteIf(List<Digest> digests,
            java.util.function.Predicate<BasicFileAttributes> stillDeletable) throws IOException {
        return sweep.deleteIf(digests, stillDeletable);
    }

    /**
     * Opens a lookup for many blobs, one by one from several threads: each algorithm directory is opened
     * once and every blob is found relative to it (fstatat/openat), without walking the layout's path
     * again for each. The graph walk reads thousands of manifests through one. Close it when done.
     */
    public Lookup lookup() {
        return new Lookup();
    }

    /** See {@link #lookup()}. Same answers and errors as the path-based methods of the store. */
    public final class Lookup implements java.io.Closeable {
        private final java.util.Map<String, Fs.DirectoryHandle> dirs = new ConcurrentHashMap<>();
        private final Set<String> absent = ConcurrentHashMap.newKeySet();

        private Lookup() {
        }

        /** The open algorithm directory of the digest, or null when it does not exist. */
        private Fs.DirectoryHandle dir(Digest digest) throws IOException {
            Fs.DirectoryHandle dir = dirs.get(digest.algorithm());
            if (dir != null || absent.contains(digest.algorithm())) {
                return dir;
            }
            synchronized (this) {
                dir = dirs.get(digest.algorithm());
                if (dir == null && !absent.contains(digest.algorithm())) {
                    checkAlgorithmDir(digest.algorithm(), false);
                    try {
                        dir = fs.openDirectory(files.algorithmDir(digest.algorithm()));
                        dirs.put(digest.algorithm(), dir);
                    } catch (NoSuchFileException e) {
                        absent.add(digest.algorithm());
                    }
                }
                return dir;
            }
        }

        /** As {@link BlobStore#attributes(Digest)}. */
        public BasicFileAttributes attributes(Digest digest) throws IOException {
            Fs.DirectoryHandle dir = dir(digest);
            if (dir == null) {
                return null;
            }
            try {
                return dir.attributes(digest.encoded());
            } catch (NoSuchFileException e) {
                return null;
            }
        }

        /** As {@link BlobStore#read(Descriptor, int)}: bounded, and verified against the descriptor. */
        public byte[] read(Descriptor d, int maxBytes) throws IOException {
            return read(d, maxBytes, attributes(d.digest()));
        }

        /** As {@link #read(Descriptor, int)}, for a caller that has just looked up the blob's attributes. */
        public byte[] read(Descriptor d, int maxBytes, BasicFileAttributes a) throws IOException {
            checkReadable(d, maxBytes);
            if (a == null) {
                throw notFound(d.digest());
            }
            if (!a.isRegularFile()) {
                throw notRegular(files.blob(d.digest()), a);
            }
            try (InputStream in = new VerifyingInputStream(
                    Channels.newInputStream(dir(d.digest()).openRead(d.digest().encoded())), d.digest(), d.size(),
                    "blob " + d.digest())) {
                byte[] bytes = in.readNBytes((int) d.size());
                if (in.read() >= 0) {
                    throw new IllegalStateException("unreachable: the stream fails past the expected size");
                }
                return bytes;
            } catch (NoSuchFileException e) {
                throw notFound(d.digest());
            }
        }

        @Override
        public void close() throws IOException {
            IOException first = null;
            for (Fs.DirectoryHandle dir : dirs.values()) {
                try {
                    dir.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /**
     * What {@link #examine} found at one blob's path.
     *
     * @param attributes the entry itself (links not followed), or null when nothing is there
     * @param content    the file's bytes, unverified, when it is a regular file small enough; else null
     */
    public record Examined(BasicFileAttributes attributes, byte[] content) {
        public Examined {
            attributes = CompactAttributes.of(attributes); // held for every unreachable blob until gc deletes
        }
    }

    /**
     * Which blobs {@link #examine} keeps the bytes of. It is asked first about a blob's head, so the rest of
     * a blob that cannot pass (a compressed layer, which never starts like JSON) is never read.
     */
    public interface ContentTest {
        /** Whether a blob that starts with {@code head[0..length)} may pass {@link #test}; false stops reading it. */
        boolean mayPass(byte[] head, int length);

        /** Whether to keep these bytes, a blob's whole content. */
        boolean test(byte[] content);
    }

    /** How much of a blob {@link #examine} reads before it asks {@link ContentTest#mayPass}. */
    static final int EXAMINE_HEAD_BYTES = 4096;

    /**
     * Hashes a stored blob with its digest's algorithm (which must be one this tool implements) and
     * returns what its content really hashes to, and its size.
     */
    public Descriptor hash(Digest digest) throws IOException {
        DigestAlgorithm algorithm = digest.knownAlgorithm().orElseThrow(
                () -> new dev.ocilayout.error.UnsupportedException("cannot hash with " + digest.algorithm()));
        java.security.MessageDigest md = algorithm.newMessageDigest();
        long size = 0;
        try (FileChannel ch = openChannel(digest)) {
            ByteBuffer buf = ByteBuffer.allocate(1024 * 1024);
            int n;
            while ((n = ch.read(buf)) >= 0) {
                md.update(buf.array(), 0, n);
                size += n;
                buf.clear();
            }
        }
        return Descriptor.of(MediaType.OCTET_STREAM, Digest.of(algorithm, md.digest()), size);
    }

    /**
     * Fails unless every descriptor's blob is present with its size; writers call this under the lock
     * before they record a manifest, so a concurrent gc can never leave a tag dangling.
     */
    public void requirePresent(List<Descriptor> descriptors) throws IOException {
        for (Descriptor d : descriptors) {
            if (regularFileSize(d.digest()) != d.size()) {
                throw new NotFoundException("blob " + d.digest() + " is gone from " + files.root()
                        + " (removed by a concurrent gc?); nothing was tagged, run the command again");
            }
        }
    }


    // ------------------------------------------------------------------ internals

    private Ingest startIngest(DigestAlgorithm algorithm, Digest expected, long size, String mediaType)
            throws IOException {
        sweepStaleTempsOnce();
        fs.createDirectory(files.ingest());
        return new Ingest(this, fs, fs.createNew(files.newTemp()), algorithm, expected, size, mediaType);
    }

    /** Moves a verified, fsynced temp file to its blob path (called by {@link Ingest#commit()}). */
    /** Publishes a verified temp file as the blob; false when an intact one was there (the temp file is dropped). */
    boolean publish(Path temp, Digest digest, long size) throws IOException {
        checkAlgorithmDir(digest.algorithm(), true);
        if (touchIfIntact(digest, size)) {
            fs.deleteIfExists(temp);
            return false;
        }
        Path target = files.blob(digest);
        fs.moveAtomic(temp, target);
        fs.syncDirectory(target.getParent());
        return true;
    }

    /**
     * True when an intact blob (a regular file of {@code size} bytes) is stored under the digest; its
     * modification time is then refreshed, so gc's grace period covers it again. This is the "already
     * there" rule every writer follows before it skips a blob.
     */
    public boolean touchIfIntact(Digest digest, long size) throws IOException {
        if (regularFileSize(digest) == size) {
            try {
                fs.setLastModified(files.blob(digest), FileTime.from(Instant.now()));
                return true;
            } catch (NoSuchFileException e) {
                return false; // a concurrent gc removed it just now: write it again (found by GcRaceTest)
            }
        }
        return false;
    }

    /** Size of the regular file at the blob path, or -1 when there is none (or something else is there). */
    private long regularFileSize(Digest digest) throws IOException {
        BasicFileAttributes a = attributes(digest);
        return a != null && a.isRegularFile() ? a.size() : -1;
    }

    /** {@code blobs/} and {@code blobs/<alg>/} must be real directories, never links (G10). */
    void checkAlgorithmDir(String algorithm, boolean create) throws IOException {
        if (checkedDirs.contains(algorithm)) {
            return;
        }
        Path dir = files.algorithmDir(algorithm);
        try {
            BasicFileAttributes a = fs.attributes(dir);
            if (!a.isDirectory()) {
                throw new InvalidLayoutException(relative(dir) + " is not a directory"
                        + (a.isSymbolicLink() ? " (a symbolic link, which this tool never follows)" : ""));
            }
        } catch (NoSuchFileException e) {
            if (!create) {
                return;
            }
            fs.createDirectory(dir);
            fs.syncDirectory(files.blobs());
        }
        checkedDirs.add(algorithm);
    }

    private void sweepStaleTempsOnce() {
        if (!staleTempsSwept) {
            staleTempsSwept = true;
            try {
                removeStaleTemps(Duration.ofHours(1));
            } catch (IOException e) {
                // best effort: gc and fsck --repair report and remove leftovers too
            }
        }
    }

    private boolean heldByWriter(Path temp) {
        try (FileChannel ch = fs.openExistingForWrite(temp)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // a writer in this JVM holds it
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void copy(InputStream in, Ingest ingest, LongConsumer progress) throws IOException {
        ingest.transferFrom(Channels.newChannel(in), progress);
    }

    private NotFoundException notFound(Digest digest) {
        return new NotFoundException("blob " + digest + " not found in " + files.root());
    }

    private String relative(Path p) {
        return files.root().relativize(p).toString();
    }
}
