package dev.ocilayout.archive;

import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.LayoutException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The decompressed bytes of an archive, counted against {@link ArchiveLimits}; any read failure of the
 * stream (truncated, corrupt) becomes one {@link InvalidContentException} naming the archive, so it is
 * never mistaken for a file-system error of the destination.
 */
final class GuardedInput extends FilterInputStream {
    private final Counting raw;
    private final ArchiveLimits limits;
    private final String source;
    private final Compression compression;
    private long expanded;
    private byte[] skipBuffer;

    private GuardedInput(InputStream decompressed, Counting raw, ArchiveLimits limits, String source, Compression compression) {
        super(decompressed);
        this.raw = raw;
        this.limits = limits;
        this.source = source;
        this.compression = compression;
    }

    /** Detects the compression of {@code in} and returns its decompressed, guarded bytes. */
    static GuardedInput open(InputStream in, ArchiveLimits limits, String source) throws IOException {
        Counting raw = new Counting(in);
        var markable = Compression.markable(raw);
        Compression c;
        InputStream decompressed;
        try {
            c = Compression.detect(markable, source);
            decompressed = c.decompress(markable);
        } catch (LayoutException e) {
            throw e;
        } catch (IOException e) {
            throw corrupt(source, e);
        }
        return new GuardedInput(decompressed, raw, limits, source, c);
    }

    Compression compression() {
        return compression;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (LayoutException e) {
            throw e;
        } catch (IOException e) {
            throw corrupt(source, e);
        }
        if (n > 0) {
            expanded += n;
            check();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        // skipped bytes are read, so they count against the limits too; one buffer serves every skip
        if (skipBuffer == null) {
            skipBuffer = new byte[64 * 1024];
        }
        int r = read(skipBuffer, 0, (int) Math.min(Math.max(n, 0), skipBuffer.length));
        return Math.max(r, 0);
    }

    private void check() throws InvalidContentException {
        if (limits.maxBytes() > 0 && expanded > limits.maxBytes()) {
            throw Hint.on(new InvalidContentException(source + " expands past the limit of " + limits.maxBytes()
                    + " bytes"), Hint.Kind.RAISE_ARCHIVE_SIZE_LIMIT);
        }
        if (compression != Compression.NONE && limits.maxRatio() > 0 && expanded > ArchiveLimits.RATIO_GRACE_BYTES
                && expanded / Math.max(1, raw.count) > limits.maxRatio()) {
            throw Hint.on(new InvalidContentException(source + " expands more than " + limits.maxRatio() + " times ("
                    + raw.count + " compressed bytes gave " + expanded + "), which looks like a decompression bomb"),
                    Hint.Kind.RAISE_ARCHIVE_RATIO_LIMIT);
        }
    }

    static InvalidContentException corrupt(String source, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new InvalidContentException(source + " is truncated or corrupt: " + why, e);
    }

    /** Counts the compressed bytes read. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(n);
            count += Math.max(s, 0);
            return s;
        }
    }
}
