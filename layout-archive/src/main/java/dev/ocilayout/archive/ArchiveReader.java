package dev.ocilayout.archive;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.LayoutException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.store.BlobStore;
import dev.ocilayout.text.Text;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * One streaming pass over an archive (OCI layout tar or docker-archive, any compression) into a layout's
 * blob store. Every {@code blobs/<alg>/<encoded>} entry goes through the verifying ingest (or is skipped,
 * unread, when the layout has it); docker-archive layers ({@code *.tar}) are ingested and hashed; small
 * metadata files are kept in memory within the layout's caps; anything else is listed as ignored. Nothing
 * is written outside {@code blobs/} and {@code ingest/}, and nothing is tagged here.
 *
 * <p>Refused, with a message naming the entry: absolute names and {@code ..} segments, hard links, device
 * files, FIFOs, sparse files, symbolic links other than a docker-archive layer pointing inside the archive,
 * a name under {@code blobs/} that is not a digest path, a blob whose content does not match its name, the
 * same name twice with different content, and metadata over its cap.
 */
final class ArchiveReader {
    /** A blob the archive put (or found) in the layout, and how its content is compressed (for layers). */
    record Stored(Descriptor blob, Compression compression) {
    }

    /** What one pass found. */
    static final class Contents {
        final String source;
        final Map<String, byte[]> small = new LinkedHashMap<>();
        final Map<String, Stored> stored = new LinkedHashMap<>();
        final Map<String, String> links = new LinkedHashMap<>();
        final List<String> ignored = new ArrayList<>();
        Compression compression = Compression.NONE;
        int written;
        int present;
        long bytesWritten;
        /** The blobs this pass wrote (not those it found already there), in archive order. */
        final List<Descriptor> writtenBlobs = new ArrayList<>();

        Contents(String source) {
            this.source = source;
        }

        /** The blob stored for an entry name, following docker-archive layer links; null when absent. */
        Stored resolve(String name) {
            String n = name;
            for (int hops = 0; hops < 16 && n != null; hops++) {
                Stored s = stored.get(n);
                if (s != null) {
                    return s;
                }
                n = links.get(n);
            }
            return null;
        }
    }

    static final String OCI_LAYOUT = "oci-layout";
    static final String INDEX_JSON = "index.json";
    static final String MANIFEST_JSON = DockerArchive.MANIFEST_JSON_NAME;
    static final String REPOSITORIES = DockerArchive.REPOSITORIES_NAME;

    private final Layout layout;
    private final ArchiveLimits limits;
    private final LongConsumer progress;
    private final Contents contents;
    /** Digest of the content first seen under each regular-file name, to judge duplicates. */
    private final Map<String, Digest> seen = new HashMap<>();
    private long smallBytes;

    private ArchiveReader(Layout layout, String source, ArchiveLimits limits, LongConsumer progress) {
        this.layout = layout;
        this.limits = limits;
        this.progress = progress;
        this.contents = new Contents(source);
    }

    static Contents read(Layout layout, InputStream in, String source, ArchiveLimits limits, LongConsumer progress)
            throws IOException {
        ArchiveReader r = new ArchiveReader(layout, source, limits, progress);
        r.readAll(in);
        return r.contents;
    }

    private void readAll(InputStream raw) throws IOException {
        String source = contents.source;
        GuardedInput guarded = GuardedInput.open(raw, limits, source);
        contents.compression = guarded.compression();
        TarArchiveInputStream tar = new TarArchiveInputStream(
                new RawTarNames(new BufferedInputStream(guarded, 1 << 16), source));
        InputStream entryData = new EntryData(tar, source);
        int entries = 0;
        while (true) {
            TarArchiveEntry e = nextEntry(tar, source);
            if (e == null) {
                break;
            }
            entries++;
            entry(e, ArchivePaths.clean(e.getName(), source), entryData);
        }
        if (entries == 0) {
            throw new InvalidContentException(source + " is empty or not a tar archive");
        }
    }

    /**
     * The next entry, or null at the end; a malformed header is one error naming the archive (Commons
     * Compress reports some, a PAX time of 1e999999999, unchecked), our own refusals pass as they are.
     */
    static TarArchiveEntry nextEntry(TarArchiveInputStream tar, String source) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (LayoutException ex) {
            throw ex;
        } catch (IOException | RuntimeException ex) {
            throw GuardedInput.corrupt(source, ex);
        }
    }

    private void entry(TarArchiveEntry e, String name, InputStream data) throws IOException {
        String source = contents.source;
        if (e.isDirectory()) {
            return;
        }
        if (e.isLink()) {
            throw new InvalidContentException(source + ": entry " + Text.quote(name) + " is a hard link (to "
                    + Text.quote(e.getLinkName()) + "); archives with links are refused");
        }
        if (e.isSymbolicLink()) {
            symlink(name, e.getLinkName());
            return;
        }
        if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
            throw new InvalidContentException(source + ": entry " + Text.quote(name) + " is a device file or FIFO");
        }
        if (e.isSparse() || !e.isFile()) {
            throw new InvalidContentException(source + ": entry " + Text.quote(name) + " is not a regular file (tar type "
                    + Text.quote(String.valueOf((char) e.getLinkFlag())) + ")");
        }
        if (name.isEmpty()) {
            throw new InvalidContentException(source + " has a file entry named '.'");
        }
        if (contents.links.containsKey(name)) {
            throw duplicate(name);
        }
        if (seen.containsKey(name)) {
            Digest first = seen.get(name);
            if (first.knownAlgorithm().isEmpty()) {
                throw new InvalidContentException(contents.source + ": entry " + Text.quote(name) + " appears twice, and"
                        + " its two contents cannot be compared (" + first.algorithm() + " is not an algorithm this tool"
                        + " implements)");
            }
            if (!first.equals(hash(data, first.knownAlgorithm().get()))) {
                throw duplicate(name);
            }
            return;
        }
        if (name.startsWith("blobs/")) {
            blob(name, e.getSize(), data);
        } else if (isSmall(name)) {
            small(name, e.getSize(), data);
        } else if (isLayerName(name)) {
            layer(name, data); // its compression comes from its first bytes, not from its name
        } else {
            contents.ignored.add(name);
        }
    }

    /** {@code blobs/<alg>/<encoded>}: stored through the verifying ingest, or skipped when present. */
    private void blob(String name, long size, InputStream data) throws IOException {
        Digest digest = ArchivePaths.blobDigest(name);
        if (digest == null) {
            throw new InvalidContentException(contents.source + ": entry " + Text.quote(name)
                    + " is under blobs/ but is not blobs/<algorithm>/<encoded digest>");
        }
        Descriptor expected = Descriptor.of(MediaType.OCTET_STREAM, digest, size);
        if (layout.blobs().touchIfIntact(digest, size)) {
            contents.present++;
        } else {
            layout.blobs().put(data, expected, progress);
            contents.written++;
            contents.bytesWritten += size;
            contents.writtenBlobs.add(expected);
        }
        seen.put(name, digest);
        contents.stored.put(name, new Stored(expected, null));
    }

    /** A docker-archive layer: hashed while stored, its compression sniffed from its first bytes. */
    private void layer(String name, InputStream data) throws IOException {
        BufferedInputStream in = new BufferedInputStream(data, 1 << 16);
        Compression c = Compression.detect(in, contents.source + ": layer " + Text.quote(name));
        BlobStore.Stored stored = layout.blobs().store(in, DigestAlgorithm.SHA256, MediaType.OCTET_STREAM, progress);
        Descriptor d = stored.descriptor();
        if (stored.written()) {
            contents.written++;
            contents.bytesWritten += d.size();
            contents.writtenBlobs.add(d);
        } else {
            contents.present++;
        }
        seen.put(name, d.digest());
        contents.stored.put(name, new Stored(d, c));
    }

    private void small(String name, long size, InputStream data) throws IOException {
        long cap = name.equals(INDEX_JSON) || name.equals(LayoutExport.EXPECTED_BLOBS) ? layout.options().maxIndexBytes()
                : name.equals(MANIFEST_JSON) ? limits.maxManifestJsonBytes() : layout.options().maxManifestBytes();
        if (size > cap) {
            throw new InvalidContentException(contents.source + ": entry " + Text.quote(name) + " is " + size
                    + " bytes, over the limit of " + cap + " bytes");
        }
        smallBytes += size;
        if (smallBytes > 2L * layout.options().maxIndexBytes()) {
            throw new InvalidContentException(contents.source + " holds more than " + 2L * layout.options().maxIndexBytes()
                    + " bytes of metadata files");
        }
        byte[] bytes = data.readNBytes((int) size);
        if (bytes.length != size) {
            throw new InvalidContentException(contents.source + " is truncated in entry " + Text.quote(name));
        }
        seen.put(name, Digest.sha256(bytes));
        contents.small.put(name, bytes);
        if (name.equals(LayoutExport.EXPECTED_BLOBS)) {
            // a delta archive: fail before streaming anything more when the base is not here
            BlobList.requirePresent(layout, bytes, contents.source + ": " + name);
        }
    }

    private void symlink(String name, String target) throws IOException {
        String source = contents.source;
        if (!name.endsWith(".tar")) {
            throw new InvalidContentException(source + ": entry " + Text.quote(name) + " is a symbolic link (to "
                    + Text.quote(target) + "); only docker-archive layer links are accepted");
        }
        String resolved = ArchivePaths.resolveLink(name, target, source);
        String before = contents.links.get(name);
        if (seen.containsKey(name) || before != null && !before.equals(resolved)) {
            throw duplicate(name);
        }
        contents.links.put(name, resolved);
    }

    /**
     * A docker-archive layer's name: {@code <id>/layer.tar} (older docker save), {@code <diffID>.tar} (skopeo,
     * podman), {@code <digest>.tar.gz} (Jib's {@code buildTar}), or a zstd tar.
     */
    static boolean isLayerName(String name) {
        return name.endsWith(".tar") || name.endsWith(".tar.gz") || name.endsWith(".tgz") || name.endsWith(".tar.zst");
    }

    private static boolean isSmall(String name) {
        return name.equals(OCI_LAYOUT) || name.equals(REPOSITORIES) || name.equals(LayoutExport.EXPECTED_BLOBS)
                || name.endsWith(".json");
    }

    private InvalidContentException duplicate(String name) {
        return new InvalidContentException(contents.source + ": entry " + Text.quote(name)
                + " appears twice with different content");
    }

    private static Digest hash(InputStream in, DigestAlgorithm algorithm) throws IOException {
        MessageDigest md = algorithm.newMessageDigest();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
        }
        return Digest.of(algorithm, md.digest());
    }

    /** The current entry's bytes; a read failure of the tar (a truncated entry) names the archive. */
    private static final class EntryData extends FilterInputStream {
        private final String source;

        EntryData(TarArchiveInputStream tar, String source) {
            super(tar);
            this.source = source;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (LayoutException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw GuardedInput.corrupt(source, e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public void close() {
            // the tar stream stays open for the next entry
        }
    }
}
