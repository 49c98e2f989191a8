package dev.ocilayout.archive;

import dev.ocilayout.Layout;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Digest;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.referrers.SubjectAnnotationStrategy;
import dev.ocilayout.store.Tags;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an OCI layout tar (what skopeo calls {@code oci-archive:}) of some roots and everything they need,
 * streaming: no temp copy of the layout, each blob read once and verified as it goes. The output is
 * deterministic: regular files only, in a fixed order ({@code oci-layout}, the blobs sorted by digest,
 * {@code index.json} last), mode 0644, owner 0:0 with empty names, modification time 0; so the same input
 * gives byte-identical archives (reliability.md G17).
 */
public final class LayoutExport {
    /** The entry of a delta archive listing the blobs it left out (see {@link BlobList}). */
    public static final String EXPECTED_BLOBS = "expected-blobs";

    /**
     * @param referrers include referrers of everything exported, recursively, recorded in the archive's
     *                  {@code index.json} as subject-annotation entries (importers re-record them their way)
     * @param platforms keep only these platforms of index roots
     */
    public record Options(boolean referrers, List<Platform> platforms, Compression compression) {
        public Options {
            platforms = platforms == null ? List.of() : List.copyOf(platforms);
            compression = compression == null ? Compression.NONE : compression;
        }
    }

    /** One root and the tag it gets in the archive (null: untagged). */
    public record Root(Descriptor descriptor, String tag) {
    }

    public record Report(int blobs, long bytes, ImageIndex index) {
    }

    private LayoutExport() {
    }

    /** Exports every {@code index.json} entry of the layout as it is (tags, annotations and all). */
    public static Report exportAll(Layout layout, OutputStream out, Options options, LongConsumer progress)
            throws IOException {
        ImageIndex source = layout.index().read();
        Map<Digest, Descriptor> blobs = new TreeMap<>();
        for (Descriptor entry : source.manifests()) {
            Closure c = Closure.of(layout, entry, false, List.of());
            c.blobs().forEach(b -> blobs.putIfAbsent(b.digest(), b));
        }
        return write(layout, blobs, Map.of(), source, out, options, progress);
    }

    /** Exports the given roots, with their tags. */
    public static Report export(Layout layout, List<Root> roots, OutputStream out, Options options, LongConsumer progress)
            throws IOException {
        Map<Digest, Descriptor> blobs = new TreeMap<>();
        Map<Digest, byte[]> made = new TreeMap<>();
        ImageIndex index = ImageIndex.empty();
        SubjectAnnotationStrategy referrers = new SubjectAnnotationStrategy();
        for (Root root : roots) {
            Closure c = Closure.of(layout, root.descriptor(), options.referrers(), options.platforms());
            c.blobs().forEach(b -> blobs.putIfAbsent(b.digest(), b));
            if (c.filtered()) {
                made.put(c.top().digest(), c.topBytes());
            }
            index = root.tag() != null ? Tags.tag(index, root.tag(), c.top()) : Tags.addUntagged(index, c.top());
            for (Map.Entry<Digest, List<Descriptor>> e : c.referrersOf().entrySet()) {
                index = referrers.addAll(layout, index, e.getKey(), e.getValue());
            }
        }
        return write(layout, blobs, made, index, out, options, progress);
    }

    private static Report write(Layout layout, Map<Digest, Descriptor> blobs, Map<Digest, byte[]> made, ImageIndex index,
                                OutputStream out, Options options, LongConsumer progress) throws IOException {
        OutputStream sink = options.compression().compress(out);
        long bytes = 0;
        TarArchiveOutputStream tar = new TarArchiveOutputStream(sink);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        Map<Digest, Object> all = new TreeMap<>();
        blobs.forEach(all::put);
        made.forEach(all::put);
        for (Map.Entry<Digest, Object> e : all.entrySet()) {
            Digest d = e.getKey();
            String name = "blobs/" + d.algorithm() + "/" + d.encoded();
            if (e.getValue() instanceof byte[] b) {
                file(tar, name, b);
                bytes += b.length;
                continue;
            }
            Descriptor desc = (Descriptor) e.getValue();
            TarArchiveEntry entry = entry(name, desc.size());
            tar.putArchiveEntry(entry);
            try (InputStream in = layout.blobs().openVerified(desc)) {
                byte[] buf = new byte[256 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    tar.write(buf, 0, n);
                    if (progress != null) {
                        progress.accept(n);
                    }
                }
            }
            tar.closeArchiveEntry();
            bytes += desc.size();
        }
        file(tar, "index.json", ModelJson.toBytes(index, false));
        tar.finish();
        Compression.finish(sink);
        return new Report(all.size(), bytes, index);
    }

    private static TarArchiveEntry entry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0100644);
        e.setModTime(0);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
        return e;
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        tar.putArchiveEntry(entry(name, bytes.length));
        new ByteArrayInputStream(bytes).transferTo(tar);
        tar.closeArchiveEntry();
    }

}
