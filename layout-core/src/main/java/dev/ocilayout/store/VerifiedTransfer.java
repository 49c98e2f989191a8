package dev.ocilayout.store;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.DigestMismatchException;
import dev.ocilayout.error.SizeMismatchException;
import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongConsumer;

/**
 * Streams a stored blob to an output while verifying it, with the work on two cores: the calling thread
 * reads each chunk and writes it out, a hasher thread hashes the chunks in order. Read and write are
 * memory copies; hashing is the costly part, so it no longer adds to them. The digest is checked once the
 * last chunk is hashed: a mismatch fails the transfer after the bytes were written, so callers write to
 * something they can discard (an export's temp file, an archive stream that is then abandoned).
 */
final class VerifiedTransfer {
    /** Smaller blobs are not worth a thread: they are verified on the calling thread. */
    static final long PIPELINE_FROM_BYTES = 4L * 1024 * 1024;
    static final int CHUNK = 1024 * 1024;
    static final int CHUNKS = 8;
    private static final byte[] END = new byte[0];
    private static final String READING = "reading a blob";

    private VerifiedTransfer() {
    }

    static void run(FileChannel src, Descriptor expected, OutputStream out, LongConsumer progress) throws IOException {
        DigestAlgorithm algorithm = algorithm(expected);
        String subject = "blob " + expected.digest();
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(CHUNKS);
        BlockingQueue<Chunk> toHash = new ArrayBlockingQueue<>(CHUNKS + 1);
        for (int i = 0; i < CHUNKS; i++) {
            free.add(new byte[CHUNK]);
        }
        Hasher hasher = new Hasher(algorithm.newMessageDigest(), free, toHash);
        Thread thread = new Thread(hasher, "oci-layout-hasher");
        thread.setDaemon(true);
        thread.start();
        boolean ended = false;
        long total = 0;
        try {
            while (true) {
                byte[] buf = Interruptible.await(free::take, READING);
                ByteBuffer bb = ByteBuffer.wrap(buf);
                int n = 0;
                while (bb.hasRemaining() && (n = src.read(bb)) >= 0) {
                    // fill the chunk
                }
                int len = bb.position();
                if (len > 0) {
                    total += len;
                    if (total > expected.size()) {
                        throw new SizeMismatchException(subject, expected.size(), -1);
                    }
                    out.write(buf, 0, len);
                    Interruptible.put(toHash, new Chunk(buf, len), READING);
                    if (progress != null) {
                        progress.accept(len);
                    }
                } else {
                    free.add(buf);
                }
                if (n < 0) {
                    break;
                }
            }
            Interruptible.put(toHash, new Chunk(END, 0), READING);
            ended = true;
            Interruptible.join(thread, READING);
        } finally {
            if (!ended) {
                thread.interrupt();
            }
        }
        if (total != expected.size()) {
            throw new SizeMismatchException(subject, expected.size(), total);
        }
        Digest actual = Digest.of(algorithm, hasher.md.digest());
        if (!actual.equals(expected.digest())) {
            throw new DigestMismatchException(subject, expected.digest(), actual);
        }
    }

    /**
     * Copies {@code src} to {@code target} in the kernel (copy_file_range or sendfile: no byte passes
     * through this process) while a second thread reads the blob again through {@code hashSide} and
     * hashes it; both run at once on two cores. The digest is checked when both are done.
     */
    static void runDirect(FileChannel src, FileChannel hashSide, Descriptor expected, FileChannel target,
                          LongConsumer progress) throws IOException {
        DigestAlgorithm algorithm = algorithm(expected);
        String subject = "blob " + expected.digest();
        if (src.size() != expected.size()) {
            throw new SizeMismatchException(subject, expected.size(), src.size());
        }
        MessageDigest md = algorithm.newMessageDigest();
        IOException[] failure = new IOException[1];
        Thread hasher = new Thread(() -> {
            byte[] buf = new byte[CHUNK];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            long pos = 0;
            try {
                int n;
                while (pos < expected.size() && (n = hashSide.read(bb.clear(), pos)) >= 0) {
                    md.update(buf, 0, n);
                    pos += n;
                }
            } catch (IOException e) {
                failure[0] = e;
            }
        }, "oci-layout-hasher");
        hasher.setDaemon(true);
        hasher.start();
        try {
            long pos = 0;
            while (pos < expected.size()) {
                long n = src.transferTo(pos, Math.min(64L << 20, expected.size() - pos), target);
                if (n <= 0) {
                    throw new SizeMismatchException(subject, expected.size(), pos);
                }
                pos += n;
                if (progress != null) {
                    progress.accept(n);
                }
            }
        } finally {
            Interruptible.join(hasher, READING);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        Digest actual = Digest.of(algorithm, md.digest());
        if (!actual.equals(expected.digest())) {
            throw new DigestMismatchException(subject, expected.digest(), actual);
        }
    }

    private static DigestAlgorithm algorithm(Descriptor expected) throws IOException {
        return expected.digest().knownAlgorithm().orElseThrow(() -> new dev.ocilayout.error.UnsupportedException(
                "cannot verify " + expected.digest() + ": digest algorithm " + expected.digest().algorithm()
                        + " is not supported (use sha256 or sha512)"));
    }

    private record Chunk(byte[] bytes, int length) {
    }

    /** Hashes chunks in order and hands their buffers back. */
    private static final class Hasher implements Runnable {
        final MessageDigest md;
        private final BlockingQueue<byte[]> free;
        private final BlockingQueue<Chunk> toHash;

        Hasher(MessageDigest md, BlockingQueue<byte[]> free, BlockingQueue<Chunk> toHash) {
            this.md = md;
            this.free = free;
            this.toHash = toHash;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Chunk c = toHash.take();
                    if (c.bytes() == END) {
                        return;
                    }
                    md.update(c.bytes(), 0, c.length());
                    free.put(c.bytes());
                }
            } catch (InterruptedException e) {
                // the transfer failed; nothing to report from here
            }
        }
    }
}
