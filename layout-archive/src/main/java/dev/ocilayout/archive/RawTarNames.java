package dev.ocilayout.archive;

import dev.ocilayout.error.InvalidContentException;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Checks every entry name as the archive states it, before any library normalises it. Commons Compress
 * strips a leading {@code /} from names that come from a PAX {@code path} record or a GNU long name
 * ({@code ././@LongLink}, type {@code L}), so a check on the entry it returns would let {@code /etc/evil}
 * or {@code /index.json} through as relative names. This stream sits directly under the tar reader,
 * follows the tar structure in the bytes it passes on (512-byte headers, data padded to 512, the PAX
 * {@code size} override), and refuses, as the header is read, any name that {@link ArchivePaths#clean}
 * refuses: ustar names with their prefix, PAX {@code path} (extended and global), GNU long names.
 */
final class RawTarNames extends FilterInputStream {
    private static final int BLOCK = 512;
    /** Metadata records (PAX, GNU long names) are read into memory up to this size; Commons Compress bounds them too. */
    private static final int MAX_METADATA_BYTES = 1 << 20;

    private final String source;
    private final byte[] header = new byte[BLOCK];
    private int headerFill;
    /** Data bytes of the current entry still to pass, then its padding. */
    private long dataLeft;
    private long paddingLeft;
    /** The data of a metadata entry (types x, g, L) being collected, or null. */
    private ByteArrayOutputStream metadata;
    private byte metadataType;
    /** A PAX {@code size} for the next entry, or -1. */
    private long nextSize = -1;
    /** The name a GNU long name or PAX {@code path} gives the next entry, or null. */
    private String pendingName;
    private boolean ended;
    /** Bytes passed on so far: after the tar reader returns an entry, where that entry's data starts. */
    private long position;

    RawTarNames(InputStream in, String source) {
        super(in);
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            observe(b, off, n);
            position += n;
        }
        return n;
    }

    /**
     * Skips by reading, so that every byte is observed, except an entry's data (and its padding) when it is no
     * metadata record: that is skipped below, so a file underneath can seek past it.
     */
    @Override
    public long skip(long n) throws IOException {
        if (n > 0 && metadata == null && (dataLeft > 0 || paddingLeft > 0)) {
            long s = in.skip(Math.min(n, dataLeft > 0 ? dataLeft : paddingLeft));
            if (s > 0) {
                if (dataLeft > 0) {
                    dataLeft -= s;
                } else {
                    paddingLeft -= s;
                }
                position += s;
                return s;
            }
        }
        byte[] scratch = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    /**
     * Checks every header of a plain tar file (names as the archive states them: ustar, PAX, GNU long names)
     * reading nothing but headers and metadata records: entry data is seeked over.
     */
    static void checkHeaders(java.nio.channels.FileChannel file, String source) throws IOException {
        RawTarNames names = new RawTarNames(new SeekingInput(file), source);
        byte[] block = new byte[BLOCK];
        while (!names.ended) {
            long inEntry = names.metadata == null ? names.dataLeft + names.paddingLeft : 0;
            if (inEntry > 0) {
                if (names.skip(inEntry) <= 0) {
                    return; // a truncated archive: the index pass reports it
                }
                continue;
            }
            if (names.read(block, 0, names.metadata != null ? (int) Math.min(BLOCK, names.dataLeft + names.paddingLeft)
                    : BLOCK - names.headerFill) < 0) {
                return;
            }
        }
    }

    /** A file read as a stream whose {@code skip} seeks (JDK 17's channel streams skip by reading). */
    private static final class SeekingInput extends InputStream {
        private final java.nio.channels.FileChannel channel;

        SeekingInput(java.nio.channels.FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : channel.read(java.nio.ByteBuffer.wrap(b, off, len));
        }

        @Override
        public long skip(long n) throws IOException {
            long position = channel.position();
            long k = Math.max(0, Math.min(n, channel.size() - position));
            channel.position(position + k);
            return k;
        }
    }

    /** The offset, in the tar stream, of the next byte to be read. */
    long position() {
        return position;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void observe(byte[] b, int off, int n) throws IOException {
        int i = off;
        int end = off + n;
        while (i < end && !ended) {
            if (dataLeft > 0) {
                int take = (int) Math.min(dataLeft, end - i);
                if (metadata != null) {
                    metadata.write(b, i, take);
                }
                dataLeft -= take;
                i += take;
                if (dataLeft == 0 && metadata != null) {
                    metadataDone();
                }
            } else if (paddingLeft > 0) {
                int take = (int) Math.min(paddingLeft, end - i);
                paddingLeft -= take;
                i += take;
            } else {
                int take = Math.min(BLOCK - headerFill, end - i);
                System.arraycopy(b, i, header, headerFill, take);
                headerFill += take;
                i += take;
                if (headerFill == BLOCK) {
                    headerFill = 0;
                    header();
                }
            }
        }
    }

    private void header() throws IOException {
        boolean zero = true;
        for (byte x : header) {
            if (x != 0) {
                zero = false;
                break;
            }
        }
        if (zero) {
            ended = true; // the end-of-archive block: the tar reader reads no entry after it
            return;
        }
        byte type = header[156];
        String name = text(header, 0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r' && header[262] == 0;
        if (ustar) {
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        if (type == 'S') {
            throw new InvalidContentException(source + ": entry " + name + " is a GNU sparse file; sparse entries are refused");
        }
        if (type != 'L' && type != 'K' && !name.isEmpty()) {
            ArchivePaths.clean(name, source);
        }
        String effective = pendingName != null ? pendingName : name;
        if (type != 'x' && type != 'g' && type != 'L' && type != 'K') {
            pendingName = null;
        }
        long size = size();
        if (type != 'x' && type != 'g' && nextSize >= 0) {
            size = nextSize;
            nextSize = -1;
        }
        if (size < 0) {
            throw new InvalidContentException(source + ": entry " + name + " has an invalid size field");
        }
        if (type == 'x' || type == 'g' || type == 'L') {
            if (size > MAX_METADATA_BYTES) {
                throw new InvalidContentException(source + ": a tar metadata record of " + size + " bytes (over "
                        + MAX_METADATA_BYTES + ")");
            }
            metadata = new ByteArrayOutputStream((int) size);
            metadataType = type;
        }
        if (type == '5' || type != 'x' && type != 'g' && type != 'L' && type != 'K' && effective.endsWith("/")) {
            size = 0; // as Commons Compress reads it: a directory's data is never read, whatever its size says
        }
        dataLeft = size;
        paddingLeft = (BLOCK - size % BLOCK) % BLOCK;
        if (size == 0 && metadata != null) {
            metadataDone();
        }
    }

    private void metadataDone() throws IOException {
        byte[] data = metadata.toByteArray();
        metadata = null;
        if (metadataType == 'L') {
            int nul = 0;
            while (nul < data.length && data[nul] != 0) {
                nul++;
            }
            pendingName = new String(data, 0, nul, StandardCharsets.UTF_8);
            ArchivePaths.clean(pendingName, source);
            return;
        }
        pax(data, metadataType == 'x');
    }

    /** PAX records, {@code "<length> <key>=<value>\n"}; a malformed one is left to the tar reader to refuse. */
    private void pax(byte[] data, boolean extended) throws IOException {
        int pos = 0;
        while (pos < data.length) {
            int space = pos;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return;
            }
            if (length <= space - pos || pos + length > data.length) {
                return;
            }
            String record = new String(data, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                String key = record.substring(0, eq);
                String value = record.substring(eq + 1);
                if (key.equals("path")) {
                    ArchivePaths.clean(value, source);
                    if (extended) {
                        pendingName = value;
                    }
                } else if (key.equals("size") && extended) {
                    try {
                        nextSize = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        nextSize = -1; // the tar reader refuses it
                    }
                }
            }
            pos += length;
        }
    }

    /** The size field: octal digits (space or NUL ended), or base-256 when the first byte has its high bit set. */
    private long size() {
        if ((header[124] & 0x80) != 0) {
            long v = 0;
            for (int k = 125; k < 136; k++) {
                if ((v >>> 55) != 0) {
                    return -1;
                }
                v = (v << 8) | (header[k] & 0xff);
            }
            return v;
        }
        long v = 0;
        boolean digits = false;
        for (int k = 124; k < 136; k++) {
            byte c = header[k];
            if (c == 0 || c == ' ') {
                if (digits) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                return -1;
            }
            digits = true;
            v = v * 8 + (c - '0');
        }
        return v;
    }

    private static String text(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }
}
