package dev.ocilayout.store;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.DigestMismatchException;
import dev.ocilayout.error.SizeMismatchException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes bytes through while hashing and counting them. It fails as soon as more bytes arrive than
 * expected, and at end of stream when the size or digest differs; a reader that stops early learns
 * nothing, so read to the end (as every caller in this library does) to be sure.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final String subject;
    private final Digest expectedDigest;
    private final long expectedSize;
    private final MessageDigest md;
    private long count;
    private boolean verified;
    private boolean beforeTheLastBytes;

    /**
     * @param expectedDigest digest to check at the end; its algorithm must be one this tool implements,
     *                       or the digest is not checked (only the size)
     * @param expectedSize   exact size, or -1 when unknown
     */
    public VerifyingInputStream(InputStream in, Digest expectedDigest, long expectedSize, String subject) {
        super(in);
        this.subject = subject;
        this.expectedDigest = expectedDigest;
        this.expectedSize = expectedSize;
        this.md = expectedDigest.knownAlgorithm().map(DigestAlgorithm::newMessageDigest).orElse(null);
    }

    /**
     * The same check, made as the expected size is reached, before the read that would hand over the last bytes
     * returns: for a consumer that stops reading at the size it was told (an HTTP body of a fixed length), and
     * must not get the whole of content that does not match.
     */
    public static VerifyingInputStream beforeTheLastBytes(InputStream in, Digest expectedDigest, long expectedSize,
                                                           String subject) {
        VerifyingInputStream v = new VerifyingInputStream(in, expectedDigest, expectedSize, subject);
        v.beforeTheLastBytes = expectedSize >= 0;
        return v;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            finish();
        } else {
            account(1);
            if (md != null) {
                md.update((byte) b);
            }
            atSize();
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) {
            finish();
        } else if (n > 0) {
            account(n);
            if (md != null) {
                md.update(buf, off, n);
            }
            atSize();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipping would leave bytes unhashed; read them instead.
        byte[] buf = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Bytes passed through so far. */
    public long count() {
        return count;
    }

    private void account(int n) throws SizeMismatchException {
        count += n;
        if (expectedSize >= 0 && count > expectedSize) {
            throw new SizeMismatchException(subject, expectedSize, -1);
        }
    }

    private void atSize() throws IOException {
        if (beforeTheLastBytes && count == expectedSize) {
            finish();
        }
    }

    private void finish() throws IOException {
        if (verified) {
            return;
        }
        if (expectedSize >= 0 && count != expectedSize) {
            throw new SizeMismatchException(subject, expectedSize, count);
        }
        if (md != null) {
            Digest actual = Digest.of(expectedDigest.knownAlgorithm().orElseThrow(), md.digest());
            if (!actual.equals(expectedDigest)) {
                throw new DigestMismatchException(subject, expectedDigest, actual);
            }
        }
        verified = true;
    }
}
