package dev.ocilayout.archive;

import dev.ocilayout.model.Descriptor;
import dev.ocilayout.store.BlobStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A tar writer for regular files with fixed attributes (mode 0644, owner 0:0 with empty names, mtime 0):
 * ustar headers, a PAX header where a name or size does not fit, 512-byte padding, two zero records and
 * padding to 10240 bytes at the end, as GNU tar writes. When the archive goes to a file uncompressed,
 * blob data is copied by the kernel ({@link BlobStore#transferVerified(Descriptor, FileChannel, LongConsumer)})
 * instead of through this process.
 */
final class TarWriter {
    private static final int RECORD = 512;
    private static final int BLOCK = 10240;
    private static final long MAX_OCTAL_SIZE = 077777777777L;
    private static final long DIRECT_FROM_BYTES = 1024 * 1024;

    private final OutputStream out;
    private final FileChannel direct;
    private long written;

    /**
     * @param out    where the archive goes
     * @param direct the file channel under {@code out} when the archive is an uncompressed file, else null;
     *               {@code out} is flushed before the channel is written directly
     */
    TarWriter(OutputStream out, FileChannel direct) {
        this.out = out;
        this.direct = direct;
    }

    void file(String name, byte[] content) throws IOException {
        header(name, content.length);
        write(content, content.length);
        pad(content.length);
    }

    void blob(String name, Descriptor d, BlobStore store, LongConsumer progress) throws IOException {
        header(name, d.size());
        if (direct != null && d.size() >= DIRECT_FROM_BYTES) {
            out.flush();
            store.transferVerified(d, direct, progress);
        } else {
            store.transferVerified(d, out, progress);
        }
        written += d.size();
        pad(d.size());
    }

    /** An entry of {@code size} bytes read from {@code in} (which the caller verifies). */
    void stream(String name, long size, java.io.InputStream in) throws IOException {
        header(name, size);
        byte[] buf = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new java.io.EOFException("entry " + name + " ended " + left + " bytes early");
            }
            write(buf, n);
            left -= n;
        }
        pad(size);
    }

    void finish() throws IOException {
        byte[] zeros = new byte[2 * RECORD];
        write(zeros, zeros.length);
        long rest = (BLOCK - written % BLOCK) % BLOCK;
        write(new byte[(int) rest], (int) rest);
        out.flush();
    }

    private void header(String name, long size) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        boolean longName = nameBytes.length >= TarConstants.NAMELEN || nameBytes.length != name.length();
        boolean bigSize = size > MAX_OCTAL_SIZE;
        if (longName || bigSize) {
            StringBuilder pax = new StringBuilder();
            if (longName) {
                pax.append(record("path", name));
            }
            if (bigSize) {
                pax.append(record("size", Long.toString(size)));
            }
            byte[] body = pax.toString().getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry x = entry("././@PaxHeader", body.length, TarConstants.LF_PAX_EXTENDED_HEADER_LC);
            writeHeader(x);
            write(body, body.length);
            pad(body.length);
        }
        String stored = longName ? ascii(name) : name;
        writeHeader(entry(stored, bigSize ? 0 : size, TarConstants.LF_NORMAL));
    }

    /** A PAX record: its length in decimal counts itself. */
    private static String record(String key, String value) {
        int len = key.length() + value.getBytes(StandardCharsets.UTF_8).length + 3;
        int digits = Integer.toString(len).length();
        int total = len + digits;
        if (Integer.toString(total).length() != digits) {
            total++;
        }
        return total + " " + key + "=" + value + "\n";
    }

    /** What the ustar name field holds when the real name is in a PAX header: a truncated ASCII name. */
    private static String ascii(String name) {
        String a = name.replaceAll("[^\\x20-\\x7e]", "_");
        return a.length() >= TarConstants.NAMELEN ? a.substring(0, TarConstants.NAMELEN - 1) : a;
    }

    private static TarArchiveEntry entry(String name, long size, byte type) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setSize(size);
        e.setMode(0100644);
        e.setModTime(0);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
        return e;
    }

    private void writeHeader(TarArchiveEntry e) throws IOException {
        byte[] h = new byte[RECORD];
        e.writeEntryHeader(h);
        write(h, RECORD);
    }

    private void write(byte[] b, int len) throws IOException {
        out.write(b, 0, len);
        written += len;
    }

    private void pad(long size) throws IOException {
        int rest = (int) ((RECORD - size % RECORD) % RECORD);
        if (rest > 0) {
            write(new byte[rest], rest);
        }
    }
}
