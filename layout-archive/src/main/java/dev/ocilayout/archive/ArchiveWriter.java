package dev.ocilayout.archive;

import dev.ocilayout.Layout;
import dev.ocilayout.content.Staging;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.UnsupportedException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RawManifest;
import dev.ocilayout.model.RefName;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.ResponseStore;
import dev.ocilayout.referrers.SubjectAnnotationStrategy;
import dev.ocilayout.store.Tags;
import dev.ocilayout.store.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OCI archive being written, as a copy destination: content from anywhere (a registry, another archive)
 * streams straight into tar entries, each blob once and verified as it is written, with no layout between
 * (oras's {@code backup}); tags and referrers are recorded, and {@link #finish} writes {@code index.json}
 * (referrers by the convention asked, subject-annotation entries by default, as {@code export} writes them)
 * and ends the archive. Written
 * content cannot be read back: the archive is a stream.
 */
public final class ArchiveWriter implements Staging, Staging.Stage {
    private final OutputStream compressed;
    private final TarWriter tar;
    private final Map<Digest, Descriptor> written = new LinkedHashMap<>();
    private final Map<Digest, RawManifest> manifests = new HashMap<>();
    private final Map<Digest, List<Descriptor>> referrersOf = new LinkedHashMap<>();
    private ImageIndex index = ImageIndex.empty();
    private long bytes;

    private final ReferrerStrategy referrersAs;

    /** Writes an archive, compressed as asked, into {@code sink}, referrers as subject-annotation entries. */
    public ArchiveWriter(LayoutExport.Sink sink, Compression compression) throws IOException {
        this(sink, compression, null);
    }

    /** @param referrersAs how {@code index.json} records referrers; null for subject-annotation entries */
    public ArchiveWriter(LayoutExport.Sink sink, Compression compression, ReferrerStrategy referrersAs) throws IOException {
        this.referrersAs = referrersAs != null ? referrersAs : new SubjectAnnotationStrategy();
        this.compressed = compression.compress(sink.stream());
        this.tar = new TarWriter(compressed, null);
        tar.file("oci-layout", ("{\"imageLayoutVersion\":\"" + Layout.LAYOUT_VERSION + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized boolean exists(Descriptor blob) {
        return written.containsKey(blob.digest());
    }

    /** Writes the blob as an entry, verified as it streams: bytes that do not match fail the whole archive. */
    @Override
    public synchronized void push(Descriptor expected, InputStream content) throws IOException {
        if (written.containsKey(expected.digest())) {
            return;
        }
        try (InputStream in = new VerifyingInputStream(content, expected.digest(), expected.size(),
                "blob " + expected.digest())) {
            tar.stream(ArchivePaths.blobName(expected.digest()), expected.size(), in);
            if (in.read() >= 0) {
                throw new IllegalStateException("unreachable: the stream fails past the expected size");
            }
        }
        written.put(expected.digest(), expected);
        bytes += expected.size();
    }

    @Override
    public synchronized void pushManifest(RawManifest manifest) throws IOException {
        Manifest m = manifest.manifest();
        if (!written.containsKey(manifest.digest())) {
            tar.file(ArchivePaths.blobName(manifest.digest()), manifest.bytes());
            written.put(manifest.digest(), manifest.descriptor());
            manifests.put(manifest.digest(), manifest);
            bytes += manifest.size();
        }
        if (m.subject() != null) {
            referrersOf.computeIfAbsent(m.subject().digest(), k -> new ArrayList<>())
                    .add(ReferrerIndex.responseDescriptor(manifest.descriptor(), m));
        }
    }

    @Override
    public synchronized void tag(Descriptor manifest, String tag) throws IOException {
        RefName.validate(tag);
        if (!written.containsKey(manifest.digest())) {
            throw new NotFoundException("manifest " + manifest.digest() + " is not in the archive being written");
        }
        index = Tags.tag(index, tag, manifest);
    }

    /** A copy into the archive stages nothing of its own: the archive is written as the copy goes. */
    @Override
    public Stage stage() {
        return this;
    }

    /** Records a copy's root the way a layout does: tagged, or as an untagged entry. */
    @Override
    public synchronized void commit(Descriptor root, String tag) throws IOException {
        if (tag != null) {
            tag(root, tag);
        } else {
            index = Tags.addUntagged(index, root);
        }
    }

    /** Writes {@code index.json} and ends the archive (and its compression); the sink is left open. */
    public synchronized LayoutExport.Report finish() throws IOException {
        ImageIndex out = index;
        Map<Digest, byte[]> responses = new java.util.TreeMap<>();
        for (Map.Entry<Digest, List<Descriptor>> e : referrersOf.entrySet()) {
            out = referrersAs.addAll(ResponseStore.inMemory(responses), out, e.getKey(), e.getValue());
        }
        for (Map.Entry<Digest, byte[]> r : responses.entrySet()) {
            if (!written.containsKey(r.getKey())) {
                tar.file(ArchivePaths.blobName(r.getKey()), r.getValue());
                written.put(r.getKey(), Descriptor.of(MediaType.OCI_INDEX, r.getKey(), r.getValue().length));
                bytes += r.getValue().length;
            }
        }
        tar.file("index.json", ModelJson.toBytes(out, false));
        tar.finish();
        Compression.finish(compressed);
        return new LayoutExport.Report(written.size(), bytes, out, 0);
    }

    @Override
    public InputStream fetch(Descriptor blob) throws IOException {
        throw new UnsupportedException("an archive being written cannot be read back (blob " + blob.digest() + ")");
    }

    @Override
    public synchronized Descriptor resolve(String reference) throws IOException {
        Digest d = Digest.ofReference(reference);
        if (d != null && written.containsKey(d)) {
            return written.get(d);
        }
        List<Descriptor> named = d == null && RefName.isValid(reference) ? Tags.entries(index, reference) : List.of();
        if (named.isEmpty()) {
            throw new NotFoundException(reference + " is not in the archive being written");
        }
        return named.get(named.size() - 1);
    }

    @Override
    public synchronized RawManifest fetchManifest(Descriptor manifest) throws IOException {
        RawManifest m = manifests.get(manifest.digest());
        if (m == null) {
            throw new NotFoundException("manifest " + manifest.digest() + " is not in the archive being written");
        }
        return m;
    }

    @Override
    public synchronized List<String> tags() {
        return Tags.list(index).stream().map(Tags.Tag::name).toList();
    }

    @Override
    public synchronized List<Descriptor> referrers(Digest subject, String artifactType) {
        List<Descriptor> out = new ArrayList<>();
        for (Descriptor r : referrersOf.getOrDefault(subject, List.of())) {
            if (artifactType == null || artifactType.equals(r.artifactType())) {
                out.add(r);
            }
        }
        return out;
    }
}
