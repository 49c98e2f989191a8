package dev.ocilayout.archive;

import dev.ocilayout.error.UnsupportedException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** How an archive stream is compressed. Readers detect it from the first bytes, never from a file name. */
public enum Compression {
    NONE, GZIP, ZSTD;

    private static final int ZSTD_LEVEL = 3;

    /** Wraps {@code out}; {@link #finish(OutputStream)} must be called on the result before {@code out} is used further. */
    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> new GZIPOutputStream(out, 1 << 16);
            case ZSTD -> new ZstdCompressorOutputStream(out, ZSTD_LEVEL, true);
        };
    }

    /** Ends the compressed stream written through {@code compressed} without closing what is under it. */
    public static void finish(OutputStream compressed) throws IOException {
        if (compressed instanceof GZIPOutputStream gz) {
            gz.finish();
        } else if (compressed instanceof ZstdCompressorOutputStream z) {
            z.finish();
        }
        compressed.flush();
    }

    /** The compression of {@code in}, from its magic number; {@code in} must support mark/reset. */
    public static Compression detect(InputStream in, String source) throws IOException {
        byte[] head = new byte[6];
        in.mark(head.length);
        int n = in.readNBytes(head, 0, head.length);
        in.reset();
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
            throw new UnsupportedException(source + " is bzip2-compressed; decompress it first (bunzip2) or use gzip or zstd");
        }
        if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' && head[4] == 'Z') {
            throw new UnsupportedException(source + " is xz-compressed; decompress it first (unxz) or use gzip or zstd");
        }
        return NONE;
    }

    /** A stream of the decompressed bytes of {@code in}. */
    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case ZSTD -> new ZstdCompressorInputStream(in);
        };
    }

    /** The media type suffix of a layer compressed this way ({@code +gzip}, {@code +zstd}, or none). */
    public String layerSuffix() {
        return switch (this) {
            case NONE -> "";
            case GZIP -> "+gzip";
            case ZSTD -> "+zstd";
        };
    }

    static BufferedInputStream markable(InputStream in) {
        return in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 1 << 16);
    }
}
