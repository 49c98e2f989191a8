package dev.ocilayout.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.archive.ArchiveFile;
import dev.ocilayout.archive.BlobList;
import dev.ocilayout.archive.Compression;
import dev.ocilayout.archive.LayoutExport;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.graph.Closure;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.store.AtomicWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes what a store gained since the last export, to carry across an air gap (spec-notes/image-sets.md):
 * the images whose name is new or names other content now, each with everything it needs that the other
 * side does not have yet. The delta is split into parts of at most {@code maxPartBytes} of blobs (an image
 * is never split; one larger than that is a part of its own), each an OCI archive that {@code fsck} checks
 * on its own (what it builds on is listed as {@code expected-blobs}), and a {@code toc.json} with every
 * part's digest and what the delta builds on. The store records what it exported, so the next export
 * carries only what is new; {@code base} (the other side's {@code oci-layout blobs} list) replaces it.
 */
public final class MirrorExport {
    /** The table of contents' format. */
    public static final String FORMAT = "oci-layout-mirror-export/v1";
    /** Where a store keeps what it exported (beside its layout files; fsck notes it and leaves it). */
    static final String STATE = ".oci-layout-mirror/exported.json";

    /**
     * @param maxPartBytes the most blob bytes in a part (an image larger than that is a part of its own)
     * @param base         the blobs the other side has, or null for what this store exported before
     */
    public record Options(long maxPartBytes, Set<Digest> base, Compression compression) {
        public Options {
            compression = compression == null ? Compression.NONE : compression;
            maxPartBytes = maxPartBytes <= 0 ? Long.MAX_VALUE : maxPartBytes;
        }
    }

    /** One part: its file, its digest and size, and what it carries. */
    public record Part(int index, String file, Digest digest, long size, List<String> images, int blobs, long blobBytes) {
    }

    /** @param expected blobs the delta builds on: the other side must have them */
    public record Report(List<Part> parts, int images, int blobs, long bytes, int expected, boolean empty) {
    }

    private MirrorExport() {
    }

    /** The images a store holds: tagged entries, and entries taken by digest; not referrer bookkeeping. */
    static Map<String, Descriptor> images(Layout store) throws IOException {
        Map<String, Descriptor> out = new TreeMap<>();
        for (Descriptor d : store.index().read().manifests()) {
            if (d.refName() != null && !ReferrerIndex.isFallbackEntry(d)) {
                out.put(d.refName(), d);
            } else if (d.refName() == null && d.annotation(Annotations.CONTAINERD_IMAGE_NAME) != null) {
                out.put(d.annotation(Annotations.CONTAINERD_IMAGE_NAME), d);
            }
        }
        return out;
    }

    public static Report run(Layout store, Path dir, Options options) throws IOException {
        State state = State.read(store);
        Set<Digest> base = options.base() != null ? options.base() : state.blobs.keySet();
        Map<String, Digest> exportedNames = options.base() != null ? Map.of() : state.names;
        // what changed: a name that is new, or names other content than when it was last exported
        List<Map.Entry<String, Descriptor>> changed = new ArrayList<>();
        for (Map.Entry<String, Descriptor> e : images(store).entrySet()) {
            if (!e.getValue().digest().equals(exportedNames.get(e.getKey()))) {
                changed.add(e);
            }
        }
        LayoutTarget referrers = new LayoutTarget(store);
        Map<Digest, Descriptor> carried = new LinkedHashMap<>();
        Map<Digest, Descriptor> expected = new TreeMap<>();
        List<List<Map.Entry<String, Descriptor>>> groups = new ArrayList<>();
        List<Map.Entry<String, Descriptor>> current = new ArrayList<>();
        long currentBytes = 0;
        Map<Digest, Descriptor> currentBlobs = new LinkedHashMap<>();
        List<Map<Digest, Descriptor>> groupBlobs = new ArrayList<>();
        for (Map.Entry<String, Descriptor> e : changed) {
            Closure c = Closure.of(store, e.getValue(), referrers, List.of());
            Map<Digest, Descriptor> fresh = new LinkedHashMap<>();
            for (Descriptor b : c.blobs()) {
                if (base.contains(b.digest())) {
                    expected.putIfAbsent(b.digest(), b);
                } else if (!carried.containsKey(b.digest()) && !currentBlobs.containsKey(b.digest())) {
                    fresh.putIfAbsent(b.digest(), b);
                }
            }
            long bytes = fresh.values().stream().mapToLong(Descriptor::size).sum();
            if (!current.isEmpty() && currentBytes + bytes > options.maxPartBytes()) {
                groups.add(current);
                groupBlobs.add(currentBlobs);
                carried.putAll(currentBlobs);
                current = new ArrayList<>();
                currentBlobs = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.add(e);
            currentBlobs.putAll(fresh);
            currentBytes += bytes;
        }
        if (!current.isEmpty()) {
            groups.add(current);
            groupBlobs.add(currentBlobs);
            carried.putAll(currentBlobs);
        }

        Files.createDirectories(dir);
        List<Part> parts = new ArrayList<>();
        Set<Digest> before = new LinkedHashSet<>(base);
        for (int i = 0; i < groups.size(); i++) {
            List<LayoutExport.Root> roots = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Map.Entry<String, Descriptor> e : groups.get(i)) {
                boolean byDigest = e.getValue().refName() == null;
                roots.add(new LayoutExport.Root(e.getValue(), byDigest ? null : e.getKey()));
                names.add(e.getKey());
            }
            String file = String.format("part-%04d.tar%s", i + 1, switch (options.compression()) {
                case NONE -> "";
                case GZIP -> ".gz";
                case ZSTD -> ".zst";
            });
            LayoutExport.Options export = new LayoutExport.Options(true, List.of(), options.compression(),
                    LayoutExport.Format.OCI, null, before);
            MessageDigest md = DigestAlgorithm.SHA256.newMessageDigest();
            LayoutExport.Report r = ArchiveFile.write(dir.resolve(file), sink -> {
                DigestOutputStream hashed = new DigestOutputStream(sink.stream(), md);
                OutputStream out = new BufferedOutputStream(hashed, 1 << 16);
                LayoutExport.Report written = LayoutExport.export(store, roots, LayoutExport.Sink.of(out), export, null);
                out.flush();
                return written;
            });
            long blobBytes = groupBlobs.get(i).values().stream().mapToLong(Descriptor::size).sum();
            parts.add(new Part(i + 1, file, Digest.of(DigestAlgorithm.SHA256, md.digest()), Files.size(dir.resolve(file)),
                    names, r.blobs(), blobBytes));
            before.addAll(groupBlobs.get(i).keySet());
        }
        writeToc(dir, parts, expected.values());
        for (Map.Entry<String, Descriptor> e : changed) {
            state.names.put(e.getKey(), e.getValue().digest());
        }
        carried.values().forEach(d -> state.blobs.put(d.digest(), d.size()));
        if (options.base() == null) {
            state.write(store);
        }
        long bytes = carried.values().stream().mapToLong(Descriptor::size).sum();
        return new Report(parts, changed.size(), carried.size(), bytes, expected.size(), changed.isEmpty());
    }

    private static void writeToc(Path dir, List<Part> parts, java.util.Collection<Descriptor> expected) throws IOException {
        ObjectNode toc = ModelJson.mapper().createObjectNode().put("format", FORMAT);
        ArrayNode list = toc.putArray("parts");
        for (Part p : parts) {
            ObjectNode n = list.addObject().put("index", p.index()).put("file", p.file()).put("digest", p.digest().toString())
                    .put("size", p.size()).put("blobs", p.blobs()).put("blobBytes", p.blobBytes());
            p.images().forEach(n.putArray("images")::add);
        }
        ArrayNode exp = toc.putArray("expects");
        for (Descriptor d : expected) {
            exp.addObject().put("digest", d.digest().toString()).put("size", d.size());
        }
        byte[] bytes = ModelJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(toc);
        ArchiveFile.write(dir.resolve("toc.json"), sink -> {
            sink.stream().write(bytes);
            sink.stream().flush();
            return null;
        });
    }

    /** What a store exported: every blob carried, and each image name with the digest it had. */
    static final class State {
        final Map<Digest, Long> blobs = new TreeMap<>();
        final Map<String, Digest> names = new TreeMap<>();

        static State read(Layout store) throws IOException {
            State s = new State();
            Path file = store.root().resolve(STATE);
            if (!Files.exists(file)) {
                return s;
            }
            JsonNode root = ModelJson.readTree(Files.readAllBytes(file), file.toString());
            for (JsonNode b : root.path("blobs")) {
                Digest d = Digest.tryParse(b.path("digest").asText());
                if (d == null) {
                    throw new InvalidContentException(file + ": " + b + " is not a blob entry");
                }
                s.blobs.put(d, b.path("size").asLong());
            }
            root.path("names").fields().forEachRemaining(e -> {
                Digest d = Digest.tryParse(e.getValue().asText());
                if (d != null) {
                    s.names.put(e.getKey(), d);
                }
            });
            return s;
        }

        void write(Layout store) throws IOException {
            ObjectNode root = ModelJson.mapper().createObjectNode();
            ArrayNode list = root.putArray("blobs");
            blobs.forEach((d, size) -> list.addObject().put("digest", d.toString()).put("size", size));
            ObjectNode n = root.putObject("names");
            names.forEach((k, v) -> n.put(k, v.toString()));
            Path file = store.root().resolve(STATE);
            Files.createDirectories(file.getParent());
            new AtomicWriter(store.options().fs(), store.files()).replace(file, ModelJson.mapper().writeValueAsBytes(root));
        }
    }

    /** The digests a list made by {@code oci-layout blobs} holds: the other side's blobs. */
    public static Set<Digest> base(byte[] list, String source) throws InvalidContentException {
        Set<Digest> out = new LinkedHashSet<>();
        BlobList.parse(list, source).forEach(e -> out.add(e.digest()));
        return out;
    }
}
