package dev.ocilayout.serve;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.MediaType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code GET}/{@code HEAD /v2/<name>/blobs/<digest>}: the whole blob, or one byte range (RFC 9110). */
final class BlobEndpoints {
    private final Repositories repositories;

    BlobEndpoints(Repositories repositories) {
        this.repositories = repositories;
    }

    void get(Exchange x, String name, String reference) throws IOException {
        Layout layout = repositories.existing(name).layout();
        Digest digest = Responses.parseDigest(reference);
        long size;
        try {
            size = layout.blobs().size(digest);
        } catch (NotFoundException e) {
            throw RegistryError.blobUnknown(digest.toString());
        }
                x.header("Docker-Content-Digest", digest.toString());
        x.header("Content-Type", MediaType.OCTET_STREAM);
        x.header("Accept-Ranges", "bytes");
        x.header("ETag", "\"" + digest + "\"");
        long start = 0;
        long end = size - 1;
        int status = 200;
        long[] r = byteRange(x.requestHeader("Range"), size);
        if (r != null) {
            if (r.length == 0) {
                x.header("Content-Range", "bytes */" + size);
                throw new RegistryError(416, "SIZE_INVALID", "range " + x.requestHeader("Range") + " is outside the blob's "
                        + size + " bytes");
            }
            start = r[0];
            end = r[1];
            status = 206;
            x.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        long length = size == 0 ? 0 : end - start + 1;
        try (FileChannel ch = layout.blobs().openChannel(digest)) {
            x.sendFile(status, ch, start, length);
        }
    }

    private static final Pattern BYTE_RANGE = Pattern.compile("(\\d*)-(\\d*)");

    /**
     * A {@code Range} header as RFC 9110 section 14 reads it for one representation of {@code size} bytes: the
     * first and last byte of a single satisfiable range; an empty array when the range is unsatisfiable
     * (416); null to send the whole blob, which is also the answer to a unit other than bytes, a malformed
     * header and a request for several ranges (a server may ignore Range, section 14.2).
     */
    static long[] byteRange(String header, long size) {
        if (header == null || size == 0) {
            return null;
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
            return null;
        }
        Matcher m = BYTE_RANGE.matcher(h.substring(6).trim());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                return suffix == 0 ? new long[0] : new long[] {Math.max(0, size - suffix), size - 1};
            }
            long first = Long.parseLong(m.group(1));
            if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
                return null; // an invalid range-spec: the header is ignored
            }
            long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
            return first >= size ? new long[0] : new long[] {first, last};
        } catch (NumberFormatException overflow) {
            return null;
        }
    }
}
