package dev.ocilayout.testing;

import dev.ocilayout.digest.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** Builds tar archives in memory, well-formed or hostile, for import tests. */
public final class TarBuilder {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    public TarBuilder() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    /** Long names as GNU tar writes them ({@code ././@LongLink} entries of type L) instead of PAX records. */
    public TarBuilder gnuLongNames() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
        return this;
    }

    /** One PAX extended-header record, {@code "<length> <key>=<value>\n"}, its length counting itself. */
    public static byte[] paxRecord(String key, String value) {
        int body = 1 + key.length() + 1 + value.getBytes(StandardCharsets.UTF_8).length + 1;
        int length = body + String.valueOf(body).length();
        if (String.valueOf(length).length() != String.valueOf(body).length()) {
            length++;
        }
        return (length + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public TarBuilder file(String name, byte[] content) {
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(content.length);
        return put(e, content);
    }

    public TarBuilder file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A blob entry named for its content. */
    public TarBuilder blob(byte[] content) {
        Digest d = Digest.sha256(content);
        return file("blobs/" + d.algorithm() + "/" + d.encoded(), content);
    }

    public TarBuilder directory(String name) {
        return put(new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true), new byte[0]);
    }

    public TarBuilder symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
        e.setLinkName(target);
        return put(e, new byte[0]);
    }

    public TarBuilder hardlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
        e.setLinkName(target);
        return put(e, new byte[0]);
    }

    /** An entry of any type with content as given, e.g. a hand-made PAX header ({@code 'x'}). */
    public TarBuilder raw(String name, byte type, byte[] content) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setSize(content.length);
        return put(e, content);
    }

    public TarBuilder special(String name, byte type) {
        return put(new TarArchiveEntry(name, type, true), new byte[0]);
    }

    private TarBuilder put(TarArchiveEntry e, byte[] content) {
        try {
            e.setModTime(0);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public byte[] build() {
        try {
            tar.finish();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] zstd(byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZstdCompressorOutputStream z = new ZstdCompressorOutputStream(out)) {
                z.write(data);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
