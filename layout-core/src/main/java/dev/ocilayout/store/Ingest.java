package dev.ocilayout.store;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.DigestMismatchException;
import dev.ocilayout.error.LayoutException;
import dev.ocilayout.error.SizeMismatchException;
import dev.ocilayout.io.Fs;
import dev.ocilayout.io.WritableFile;
import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * One blob being written: bytes go to a temp file in {@code ingest/} and through the hash in one pass;
 * {@link #commit()} checks size and digest, fsyncs, and renames the file into {@code blobs/} atomically,
 * then fsyncs the directory. Closing an uncommitted ingest deletes the temp file, so a failed write
 * leaves no blob (reliability.md G1, G2). While it is open the temp file is locked, which tells gc it is in
 * flight.
 */
public final class Ingest implements AutoCloseable {
    private final BlobStore store;
    private final Fs fs;
    private final WritableFile out;
    private final FileLock inFlight;
    private final DigestAlgorithm algorithm;
    private final MessageDigest md;
    private final Digest expectedDigest;
    private final long expectedSize;
    private final String mediaType;
    private final String subject;
    private long count;
    private boolean done;
    private boolean wrote;

    Ingest(BlobStore store, Fs fs, WritableFile out, DigestAlgorithm algorithm, Digest expectedDigest,
           long expectedSize, String mediaType) throws IOException {
        this.store = store;
        this.fs = fs;
        this.out = out;
        this.inFlight = out.tryLock();
        this.algorithm = algorithm;
        this.md = algorithm.newMessageDigest();
        this.expectedDigest = expectedDigest;
        this.expectedSize = expectedSize;
        this.mediaType = mediaType;
        this.subject = expectedDigest != null ? "blob " + expectedDigest : "new blob";
    }

    /** Bytes written so far. */
    public long count() {
        return count;
    }

    /** Writes every remaining byte of {@code buffer}, failing at once if that goes past the expected size. */
    public void write(ByteBuffer buffer) throws IOException {
        int n = buffer.remaining();
        if (expectedSize >= 0 && count + n > expectedSize) {
            throw new SizeMismatchException(subject, expectedSize, -1);
        }
        md.update(buffer.duplicate());
        out.write(buffer);
        count += n;
    }

    /**
     * Writes everything {@code src} yields, reading and hashing on this thread while another thread
     * writes (see {@link PipelinedCopy}); fails at once when that goes past the expected size.
     */
    public void transferFrom(ReadableByteChannel src, LongConsumer progress) throws IOException {
        PipelinedCopy.run(src, out, expectedSize, chunk -> {
            int n = chunk.remaining();
            if (expectedSize >= 0 && count + n > expectedSize) {
                throw new SizeMismatchException(subject, expectedSize, -1);
            }
            md.update(chunk);
            count += n;
        }, progress);
    }

    /**
     * Verifies and publishes the blob. If an intact blob with this digest already exists the temp file is
     * dropped and the existing blob's modification time refreshed.
     */
    public Descriptor commit() throws IOException {
        return commit(expectedDigest);
    }

    /**
     * Like {@link #commit()}, for a blob whose digest is learnt only at the end (a registry upload names it
     * in its last request): publishes it only if it hashes to {@code expected}.
     */
    public Descriptor commit(Digest expected) throws IOException {
        if (expectedDigest != null && !expectedDigest.equals(expected)) {
            throw new IllegalArgumentException("this ingest expects " + expectedDigest + ", not " + expected);
        }
        if (done) {
            throw new IllegalStateException("ingest already finished");
        }
        try {
            if (expectedSize >= 0 && count != expectedSize) {
                throw new SizeMismatchException(subject, expectedSize, count);
            }
            Digest digest = Digest.of(algorithm, md.digest());
            if (expected != null && !expected.equals(digest)) {
                throw new DigestMismatchException(subject, expected, digest);
            }
            out.force();
            // renamed while still locked: gc leaves a locked temp file alone, and would otherwise take an
            // unlocked one that is old enough between the unlock and the rename (found by GcRaceTest)
            wrote = store.publish(out.path(), digest, count);
            done = true;
            closeQuietly();
            return Descriptor.of(mediaType, digest, count);
        } finally {
            if (!done) {
                abort();
            }
        }
    }

    /** After {@link #commit}: whether the blob was written, not found already there intact. */
    public boolean wrote() {
        return wrote;
    }

    /** Deletes the temp file unless the blob was committed. */
    @Override
    public void close() throws IOException {
        if (!done) {
            abort();
        }
    }

    private void abort() throws IOException {
        done = true;
        closeQuietly();
        fs.deleteIfExists(out.path());
    }

    private void closeQuietly() throws IOException {
        try {
            if (inFlight != null && inFlight.isValid()) {
                inFlight.release();
            }
        } catch (IOException e) {
            // closing the channel below releases it anyway
        }
        out.close();
    }

    Path tempPath() {
        return out.path();
    }

    static void checkWritable(Digest expected) throws LayoutException {
        if (expected != null && expected.knownAlgorithm().isEmpty()) {
            throw new dev.ocilayout.error.UnsupportedException("cannot verify " + expected
                    + ": digest algorithm " + expected.algorithm() + " is not supported (use sha256 or sha512)");
        }
    }
}
