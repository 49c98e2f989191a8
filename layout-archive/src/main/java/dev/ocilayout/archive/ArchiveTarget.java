package dev.ocilayout.archive;

import dev.ocilayout.LayoutOptions;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RawManifest;
import dev.ocilayout.model.RefName;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.store.Tags;
import dev.ocilayout.store.VerifyingInputStream;
import dev.ocilayout.text.Text;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An OCI layout tar (skopeo's {@code oci-archive:}, our {@code export}) read in place as a
 * {@link ReadOnlyTarget}: nothing is extracted or copied. One pass indexes the entries, with every name
 * checked as the archive states it (as import checks them), and keeps {@code index.json} and the blobs small
 * enough to be manifests in memory; a larger blob is read from its offset in a plain tar, or by streaming
 * the archive again to it when compressed. Every blob is verified against its name as it is read.
 */
public final class ArchiveTarget implements ReadOnlyTarget {
    /**
     * Where an entry's data is in the (decompressed) tar stream, and for a file not named by its digest (a
     * docker-archive layer) its sha256, computed in the indexing pass; its first bytes tell its compression.
     * A document made in memory (a docker-archive image's manifest) has no offset.
     */
    private record Entry(long offset, long size, Digest digest, byte[] head) {
    }

    private static final int HEAD = 6;

    /** The most bytes of small documents held in memory. */
    static final long MAX_SMALL_BYTES = 256L << 20;

    private final Path file;
    private final String source;
    private final Compression compression;
    private final LayoutOptions options;
    private final Map<String, Entry> entries;
    private final Map<String, byte[]> small;
    private final ImageIndex index;
    private Map<Digest, List<Descriptor>> referrers;

    private ArchiveTarget(Path file, Compression compression, LayoutOptions options, Map<String, Entry> entries,
                          Map<String, byte[]> small, ImageIndex index) {
        this.file = file;
        this.source = file.toString();
        this.compression = compression;
        this.options = options;
        this.entries = entries;
        this.small = small;
        this.index = index;
    }

    /** What a verifying open found: every blob hashed against its name, in the same one pass. */
    public static final class Verification {
        /** A blob whose bytes hash to another digest than its name says. */
        public record Mismatch(String name, Digest expected, Digest actual) {
        }

        private final List<Mismatch> mismatches = new ArrayList<>();
        private int blobs;
        private long bytes;

        public List<Mismatch> mismatches() {
            return List.copyOf(mismatches);
        }

        /** Blobs hashed. */
        public int blobs() {
            return blobs;
        }

        /** Their bytes. */
        public long bytes() {
            return bytes;
        }

        void hashed(String name, Digest expected, Digest actual, long size) {
            blobs++;
            bytes += size;
            if (!expected.equals(actual)) {
                mismatches.add(new Mismatch(name, expected, actual));
            }
        }
    }

    /** Indexes the archive (plain, gzip or zstd). */
    public static ArchiveTarget open(Path file, LayoutOptions options) throws IOException {
        return open(file, options, null);
    }

    /**
     * Indexes the archive and, when {@code verify} is given, hashes every blob against its name in the same
     * pass (each byte read once), recording what does not match there.
     */
    public static ArchiveTarget open(Path file, LayoutOptions options, Verification verify) throws IOException {
        String source = file.toString();
        Indexer ix = new Indexer(source, options, verify);
        Compression compression = compressionOf(file, source);
        if (compression == Compression.NONE && verify == null) {
            indexBySeeking(file, ix);
        } else {
            try (InputStream raw = Channels.newInputStream(FileChannel.open(file));
                 GuardedInput guarded = GuardedInput.open(raw, ArchiveLimits.defaults(), source)) {
                RawTarNames names = new RawTarNames(new BufferedInputStream(guarded, 1 << 16), source);
                TarArchiveInputStream tar = new TarArchiveInputStream(names);
                for (TarArchiveEntry e; (e = ArchiveReader.nextEntry(tar, source)) != null; ) {
                    ix.entry(e, names.position(), tar);
                }
            }
        }
        Map<String, Entry> entries = ix.entries;
        Map<String, byte[]> small = ix.small;
        Map<String, String> links = ix.links;
        byte[] indexJson = small.get(ArchiveReader.INDEX_JSON);
        if (indexJson == null) {
            if (small.containsKey(ArchiveReader.MANIFEST_JSON)) {
                ArchiveTarget docker = new ArchiveTarget(file, compression, options, entries, small, null);
                return docker.withIndex(DockerArchive.toIndex(docker.dockerFiles(links)));
            }
            if (entries.containsKey(ArchiveReader.MANIFEST_JSON)) {
                throw new InvalidContentException(source + ": manifest.json is over the limit of "
                        + ArchiveLimits.defaults().maxManifestJsonBytes() + " bytes");
            }
            throw new InvalidContentException(source + " is not an OCI layout tar: it has no index.json");
        }
        if (!links.isEmpty()) {
            throw new InvalidContentException(source + ": entry " + Text.quote(links.keySet().iterator().next())
                    + " is a symbolic link; an OCI archive read in place has only files");
        }
        byte[] header = small.get(ArchiveReader.OCI_LAYOUT);
        if (header != null) {
            dev.ocilayout.Layout.checkLayoutHeader(header, source + ": oci-layout");
        }
        ImageIndex index = ModelJson.parseIndex(indexJson, source + ": index.json");
        return new ArchiveTarget(file, compression, options, entries, small, index);
    }

    /** The archive's compression, from its first bytes. */
    private static Compression compressionOf(Path file, String source) throws IOException {
        try (InputStream in = new BufferedInputStream(Channels.newInputStream(FileChannel.open(file)), 16)) {
            return Compression.detect(in, source);
        }
    }

    /**
     * A plain tar file, indexed by seeking from header to header, so that what is not kept in memory is never
     * read: first every raw header is checked as a streaming read checks it ({@link RawTarNames}, data seeked
     * over), then Commons Compress's {@code TarFile} lists the entries by their offsets. Every blob is verified
     * against its digest whenever it is read. (A compressed archive, and fsck, stream instead.)
     */
    private static void indexBySeeking(Path file, Indexer ix) throws IOException {
        try (FileChannel headers = FileChannel.open(file)) {
            RawTarNames.checkHeaders(headers, ix.source); // every raw name, as a streaming read checks them
        }
        try (FileChannel ch = FileChannel.open(file);
             org.apache.commons.compress.archivers.tar.TarFile tar = openTarFile(ch, ix.source)) {
            for (TarArchiveEntry e : tar.getEntries()) {
                try (InputStream data = e.isFile() && !e.isLink() && !e.isSymbolicLink() ? tar.getInputStream(e)
                        : InputStream.nullInputStream()) {
                    ix.entry(e, e.getDataOffset(), data);
                }
            }
        }
    }

    private static org.apache.commons.compress.archivers.tar.TarFile openTarFile(FileChannel ch, String source)
            throws IOException {
        try {
            return new org.apache.commons.compress.archivers.tar.TarFile(ch);
        } catch (IOException | RuntimeException e) {
            throw GuardedInput.corrupt(source, e);
        }
    }

    /** What one indexing pass gathers, entry by entry, whichever way the entries are read. */
    private static final class Indexer {
        final String source;
        final LayoutOptions options;
        final Verification verify;
        final Map<String, Entry> entries = new LinkedHashMap<>();
        final Map<String, byte[]> small = new HashMap<>();
        final Map<String, String> links = new LinkedHashMap<>();
        long smallBytes;

        Indexer(String source, LayoutOptions options, Verification verify) {
            this.source = source;
            this.options = options;
            this.verify = verify;
        }

        /** One entry, whose data starts at {@code offset} of the tar stream and is read from {@code data}. */
        void entry(TarArchiveEntry e, long offset, InputStream data) throws IOException {
            String name = ArchivePaths.clean(e.getName(), source);
            if (e.isDirectory()) {
                return;
            }
            if (e.isSymbolicLink() && name.endsWith(".tar") && !name.startsWith("blobs/")) {
                // an older docker save's layer that is the same as another: followed, inside the archive only
                String resolved = ArchivePaths.resolveLink(name, e.getLinkName(), source);
                if (entries.containsKey(name) || !resolved.equals(links.getOrDefault(name, resolved))) {
                    throw new InvalidContentException(source + ": entry " + Text.quote(name)
                            + " appears twice with different content");
                }
                links.put(name, resolved);
                return;
            }
            if (!e.isFile() || e.isLink() || e.isSymbolicLink() || e.isSparse()) {
                throw new InvalidContentException(source + ": entry " + Text.quote(name)
                        + " is not a regular file; an archive read in place has only files (and docker-archive"
                        + " layer links)");
            }
            if (links.containsKey(name)) {
                throw new InvalidContentException(source + ": entry " + Text.quote(name)
                        + " appears twice with different content");
            }
            byte[] content = null;
            Digest digest = null;
            byte[] head = null;
            Digest named = verify != null ? namedDigest(name) : null;
            if (keepsInMemory(name, e.getSize(), options)) {
                content = data.readNBytes((int) e.getSize());
                if (content.length != e.getSize()) {
                    throw new InvalidContentException(source + " is truncated in entry " + Text.quote(name));
                }
                if (named != null) {
                    var algorithm = named.knownAlgorithm().orElseThrow();
                    verify.hashed(name, named, Digest.of(algorithm, algorithm.newMessageDigest().digest(content)),
                            content.length);
                }
                if (name.startsWith("blobs/") && (content.length == 0
                        || !ReferrerIndex.SUBJECT_CANDIDATES.mayPass(content, content.length))) {
                    head = Arrays.copyOf(content, Math.min(HEAD, content.length));
                    content = null; // no JSON object: no manifest, read from the archive when fetched
                } else {
                    smallBytes += content.length;
                    if (smallBytes > MAX_SMALL_BYTES) {
                        throw new InvalidContentException(source + ": over " + (MAX_SMALL_BYTES >> 20)
                                + " MiB of manifests; import it instead of reading it in place");
                    }
                }
            }
            if (content == null && head == null) {
                // a file not kept: its first bytes, and, when its name is not its digest, its sha256
                head = data.readNBytes(HEAD);
                if (!name.startsWith("blobs/")) {
                    digest = hashRest(data, head, dev.ocilayout.digest.DigestAlgorithm.SHA256);
                } else if (named != null) {
                    verify.hashed(name, named, hashRest(data, head, named.knownAlgorithm().orElseThrow()), e.getSize());
                }
            }
            Entry at = new Entry(offset, e.getSize(), digest, head);
            Entry before = entries.putIfAbsent(name, at);
            if (before != null) {
                byte[] first = small.get(name);
                if (before.size() != at.size() || first != null && content != null && !Arrays.equals(first, content)
                        || !name.startsWith("blobs/") && (first == null || content == null)
                        && !(digest != null && digest.equals(before.digest()))) {
                    throw new InvalidContentException(source + ": entry " + Text.quote(name)
                            + " appears twice with different content");
                }
                return; // the same blob twice: the first is read, and verified against its name
            }
            if (content != null) {
                small.put(name, content);
            }
        }
    }

    /** The digest {@code blobs/<alg>/<encoded>} names, when this tool can compute it; else null. */
    private static Digest namedDigest(String name) {
        Digest d = ArchivePaths.blobDigest(name);
        return d != null && d.knownAlgorithm().isPresent() ? d : null;
    }

    /** The digest of an entry's data, whose first bytes {@code head} were read already. */
    private static Digest hashRest(InputStream tar, byte[] head, dev.ocilayout.digest.DigestAlgorithm algorithm)
            throws IOException {
        var md = algorithm.newMessageDigest();
        md.update(head);
        byte[] buf = new byte[1 << 16];
        for (int n; (n = tar.read(buf)) != -1; ) {
            md.update(buf, 0, n);
        }
        return Digest.of(algorithm, md.digest());
    }

    private ArchiveTarget withIndex(ImageIndex made) {
        return new ArchiveTarget(file, compression, options, entries, small, made);
    }

    /**
     * A docker-archive's files as {@link DockerArchive#toIndex} reads them: configs from memory, layers by
     * their entries (a layer link followed to its target), and the documents made for the images kept in
     * memory under their digests, so that the archive then reads like an OCI layout of the same content.
     */
    private DockerArchive.Files dockerFiles(Map<String, String> links) {
        return new DockerArchive.Files() {
            @Override
            public String source() {
                return source;
            }

            @Override
            public byte[] manifestJson() {
                return small.get(ArchiveReader.MANIFEST_JSON);
            }

            @Override
            public byte[] config(String name, String at) throws IOException {
                byte[] held = small.get(name);
                if (held == null) {
                    throw new NotFoundException(at + " names config " + Text.quote(name) + ", which is not in "
                            + source + (entries.containsKey(name) ? " as a JSON document of at most "
                            + options.maxManifestBytes() + " bytes" : ""));
                }
                return held;
            }

            @Override
            public DockerArchive.Layer layer(String name) throws IOException {
                String n = name;
                for (int hops = 0; hops < 16 && links.containsKey(n); hops++) {
                    n = links.get(n);
                }
                Entry e = entries.get(n);
                if (e == null || e.offset() < 0) {
                    return null;
                }
                Digest d = e.digest() != null ? e.digest() : ArchivePaths.blobDigest(n);
                if (d == null) {
                    return null; // a small file is no layer
                }
                entries.putIfAbsent(ArchivePaths.blobName(d), e);
                Compression c = Compression.detect(new java.io.BufferedInputStream(new ByteArrayInputStream(
                        e.head() != null ? e.head() : small.getOrDefault(n, new byte[0]))), source + ": layer " + Text.quote(n));
                return new DockerArchive.Layer(Descriptor.of(MediaType.OCTET_STREAM, d, e.size()), c);
            }

            @Override
            public Descriptor store(byte[] bytes, String mediaType) {
                Descriptor d = Descriptor.of(mediaType, Digest.sha256(bytes), bytes.length);
                small.putIfAbsent(ArchivePaths.blobName(d.digest()), bytes);
                entries.putIfAbsent(ArchivePaths.blobName(d.digest()), new Entry(-1, bytes.length, d.digest(), null));
                return d;
            }
        };
    }

    private static boolean keepsInMemory(String name, long size, LayoutOptions options) {
        if (name.equals(ArchiveReader.MANIFEST_JSON)) {
            return size <= ArchiveLimits.defaults().maxManifestJsonBytes();
        }
        if (name.startsWith("blobs/")) {
            return size <= options.maxManifestBytes();
        }
        return name.equals(ArchiveReader.INDEX_JSON) || name.equals(LayoutExport.EXPECTED_BLOBS)
                ? size <= options.maxIndexBytes()
                : (name.equals(ArchiveReader.OCI_LAYOUT) || name.endsWith(".json")) && size <= options.maxManifestBytes();
    }

    /** The archive's compression. */
    public Compression compression() {
        return compression;
    }

    @Override
    public InputStream fetch(Descriptor blob) throws IOException {
        String name = ArchivePaths.blobName(blob.digest());
        Entry e = entries.get(name);
        if (e == null) {
            throw new NotFoundException("blob " + blob.digest() + " is not in " + source);
        }
        String subject = "blob " + blob.digest() + " in " + source;
        byte[] held = small.get(name);
        if (held != null) {
            return new VerifyingInputStream(new ByteArrayInputStream(held), blob.digest(), blob.size(), subject);
        }
        return new VerifyingInputStream(open(e), blob.digest(), blob.size(), subject);
    }

    /** The entry's data: from its offset in a plain tar, else by decompressing the archive up to it. */
    private InputStream open(Entry e) throws IOException {
        InputStream raw = Channels.newInputStream(compression == Compression.NONE
                ? FileChannel.open(file).position(e.offset()) : FileChannel.open(file));
        InputStream in = raw;
        if (compression != Compression.NONE) {
            in = GuardedInput.open(raw, ArchiveLimits.defaults(), source);
            in.skipNBytes(e.offset());
        }
        return new BoundedInputStream(in, e.size());
    }

    /** The size of what the archive holds under the digest, or -1 when it holds nothing there. */
    public long storedSize(Digest digest) {
        Entry e = entries.get(ArchivePaths.blobName(digest));
        return e == null ? -1 : e.size();
    }

    /** Every blob the archive holds (its entries under {@code blobs/} named by a digest), in archive order. */
    public List<Digest> blobDigests() {
        List<Digest> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Digest d = e.getValue().offset() >= 0 ? ArchivePaths.blobDigest(e.getKey()) : null;
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * The blobs a delta archive left out because its destination has them ({@link LayoutExport#EXPECTED_BLOBS});
     * empty for a whole archive.
     */
    public java.util.Set<Digest> expectedBlobs() throws InvalidContentException {
        byte[] list = small.get(LayoutExport.EXPECTED_BLOBS);
        java.util.Set<Digest> out = new java.util.HashSet<>();
        if (list != null) {
            BlobList.parse(list, file + ": " + LayoutExport.EXPECTED_BLOBS).forEach(e -> out.add(e.digest()));
        }
        return out;
    }

    /** The archive's own index (for a docker-archive, the one made for its images). */
    public ImageIndex index() {
        return index;
    }

    @Override
    public boolean exists(Descriptor blob) {
        return entries.containsKey(ArchivePaths.blobName(blob.digest()));
    }

    @Override
    public Descriptor resolve(String reference) throws IOException {
        Digest digest = Digest.ofReference(reference);
        if (digest != null) {
            for (Descriptor d : index.manifests()) {
                if (d.digest().equals(digest)) {
                    return d;
                }
            }
            Entry e = entries.get(ArchivePaths.blobName(digest));
            if (e == null) {
                throw new NotFoundException(digest + " is not in " + source);
            }
            byte[] held = small.get(ArchivePaths.blobName(digest));
            return Descriptor.of(held != null ? sniff(held) : MediaType.OCTET_STREAM, digest, e.size());
        }
        List<Descriptor> named = RefName.isValid(reference) ? Tags.entries(index, reference) : List.of();
        if (named.isEmpty()) {
            // a full image name, as docker and containerd annotate it (docker-archive:FILE:NAME:TAG)
            String full = DockerArchive.normalize(reference.lastIndexOf(':') > reference.lastIndexOf('/') ? reference
                    : reference + ":latest");
            named = index.manifests().stream().filter(d -> full.equals(d.annotation(DockerArchive.IMAGE_NAME))).toList();
        }
        if (named.isEmpty()) {
            throw new NotFoundException("tag " + Text.quote(reference) + " not found in " + source + " (tags: "
                    + String.join(", ", tags()) + ")");
        }
        return named.get(named.size() - 1);
    }

    /** The media type a document gives itself, else by its shape. */
    private static String sniff(byte[] json) {
        try {
            var node = ModelJson.readObject(json, "blob");
            if (node.path("mediaType").isTextual()) {
                return node.get("mediaType").textValue();
            }
            return node.has("manifests") ? MediaType.OCI_INDEX : node.has("config") ? MediaType.OCI_MANIFEST
                    : MediaType.OCTET_STREAM;
        } catch (InvalidContentException notJson) {
            return MediaType.OCTET_STREAM;
        }
    }

    @Override
    public RawManifest fetchManifest(Descriptor manifest) throws IOException {
        if (manifest.size() > options.maxManifestBytes()) {
            throw Hint.on(new InvalidContentException("manifest " + manifest.digest() + " in " + source + " is "
                    + manifest.size() + " bytes, over the limit of " + options.maxManifestBytes()),
                    Hint.Kind.RAISE_MANIFEST_LIMIT);
        }
        try (InputStream in = fetch(manifest)) {
            byte[] bytes = in.readNBytes((int) manifest.size());
            if (in.read() >= 0) {
                throw new IllegalStateException("unreachable: the stream fails past the expected size");
            }
            return RawManifest.of(manifest, bytes);
        }
    }

    @Override
    public List<String> tags() {
        return Tags.list(index).stream().map(Tags.Tag::name).toList();
    }

    /**
     * Every manifest in the archive whose {@code subject} is {@code subject}, however the archive records it
     * (an {@code index.json} entry, a response index or fallback tag listing it, or only in {@code blobs/}):
     * each referrer is itself a small blob of the archive, so all are found by reading those.
     */
    @Override
    public List<Descriptor> referrers(Digest subject, String artifactType) {
        List<Descriptor> out = new ArrayList<>();
        for (Descriptor r : referrersBySubject().getOrDefault(subject, List.of())) {
            if (artifactType == null || artifactType.equals(r.artifactType())) {
                out.add(r);
            }
        }
        return out;
    }

    /** Every small blob that is a manifest with a subject, by subject, sorted by digest; read once. */
    private synchronized Map<Digest, List<Descriptor>> referrersBySubject() {
        if (referrers == null) {
            Map<Digest, List<Descriptor>> bySubject = new HashMap<>();
            for (Map.Entry<String, byte[]> e : small.entrySet()) {
                Digest d = ArchivePaths.blobDigest(e.getKey());
                Manifest m = d == null ? null : ReferrerIndex.manifestWithSubject(d, e.getValue());
                if (m != null) {
                    bySubject.computeIfAbsent(m.subject().digest(), k -> new ArrayList<>()).add(ReferrerIndex
                            .responseDescriptor(ReferrerIndex.blobOnlyDescriptor(d, m, e.getValue().length), m));
                }
            }
            bySubject.values().forEach(list -> list.sort(java.util.Comparator.comparing(r -> r.digest().toString())));
            referrers = bySubject;
        }
        return referrers;
    }

    /** At most {@code limit} bytes of a stream, closing it when closed. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
