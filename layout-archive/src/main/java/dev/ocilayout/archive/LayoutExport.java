package dev.ocilayout.archive;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.UnsupportedException;
import dev.ocilayout.graph.Closure;
import dev.ocilayout.io.ProgressListener;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.model.RefName;
import dev.ocilayout.referrers.ReferrerKeys;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.referrers.ResponseStore;
import dev.ocilayout.referrers.SubjectAnnotationStrategy;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Writes a tar of some roots and everything they need, streaming: no temp copy of the layout, each blob
 * read once and verified as it goes. Three formats: an OCI layout tar (what skopeo calls
 * {@code oci-archive:}), the {@code docker save} format ({@code manifest.json}, {@code repositories}, blobs
 * under {@code blobs/sha256/} as Docker 25+ writes them), or both in one tar. The output is deterministic:
 * regular files only, in a fixed order ({@code oci-layout}, {@link #EXPECTED_BLOBS}, the blobs sorted by
 * digest, {@code manifest.json}, {@code repositories}, {@code index.json} last), mode 0644, owner 0:0 with
 * empty names, modification time 0; so the same input gives byte-identical archives (reliability.md G17).
 */
public final class LayoutExport {
    /** The entry of a delta archive listing the blobs it left out (see {@link BlobList}). */
    public static final String EXPECTED_BLOBS = "expected-blobs";

    public enum Format { OCI, DOCKER, DUAL }

    /**
     * @param referrers  include referrers of everything exported, recursively, recorded in the archive's
     *                   {@code index.json} as subject-annotation entries (importers re-record them their way)
     * @param platforms  keep only these platforms of index roots
     * @param repository the repository of docker-archive RepoTags for roots without an image name annotation;
     *                   null for one made of the layout directory's name
     * @param exclude    blobs the destination has: left out, and listed as {@link #EXPECTED_BLOBS}
     * @param referrersAs how the archive's {@code index.json} records referrers; null for the source layout's own
     *                   convention ({@link Referrers#detected}), else subject-annotation entries
     */
    public record Options(boolean referrers, List<Platform> platforms, Compression compression, Format format,
                          String repository, Set<Digest> exclude, ReferrerStrategy referrersAs) {
        public Options {
            platforms = platforms == null ? List.of() : List.copyOf(platforms);
            compression = compression == null ? Compression.NONE : compression;
            format = format == null ? Format.OCI : format;
            exclude = exclude == null ? Set.of() : Set.copyOf(exclude);
        }

        public Options(boolean referrers, List<Platform> platforms, Compression compression, Format format,
                       String repository, Set<Digest> exclude) {
            this(referrers, platforms, compression, format, repository, exclude, null);
        }

        public Options(boolean referrers, List<Platform> platforms, Compression compression) {
            this(referrers, platforms, compression, Format.OCI, null, Set.of());
        }

        /** An uncompressed OCI archive of everything named, without referrers. */
        public static Options defaults() {
            return new Options(false, List.of(), Compression.NONE);
        }
    }

    /**
     * Where an archive goes: a stream, or a file channel (then uncompressed blob data is copied by the
     * kernel, never through this process).
     */
    public record Sink(OutputStream stream, FileChannel file) {
        public static Sink of(OutputStream out) {
            return new Sink(out, null);
        }

        public static Sink of(FileChannel file) {
            return new Sink(new java.io.BufferedOutputStream(Channels.newOutputStream(file), 1 << 16), file);
        }
    }

    /** One root and the tag it gets in the archive (null: untagged). */
    public record Root(Descriptor descriptor, String tag) {
    }

    /**
     * @param blobs    blobs written
     * @param excluded blobs left out because the destination has them
     */
    public record Report(int blobs, long bytes, ImageIndex index, int excluded) {
    }

    private LayoutExport() {
    }

    /** Exports every {@code index.json} entry of the layout as it is (tags, annotations and all). */
    public static Report exportAll(Layout layout, OutputStream out, Options options, LongConsumer progress)
            throws IOException {
        return exportAll(layout, Sink.of(out), options, progress);
    }

    /** Exports every {@code index.json} entry of the layout as it is (tags, annotations and all). */
    public static Report exportAll(Layout layout, Sink out, Options options, LongConsumer progress)
            throws IOException {
        ImageIndex source = layout.index().read();
        Plan plan = new Plan(layout, options);
        for (Descriptor entry : source.manifests()) {
            plan.add(Closure.of(layout, entry, null, List.of()));
        }
        if (options.format() != Format.OCI) {
            for (Tags.Tag t : Tags.list(source)) {
                plan.docker(Closure.of(layout, t.descriptor(), null, List.of()), new Root(t.descriptor(), t.name()));
            }
        }
        return plan.write(source, out, progress);
    }

    /** Exports the given roots, with their tags. */
    public static Report export(Layout layout, List<Root> roots, OutputStream out, Options options, LongConsumer progress)
            throws IOException {
        return export(layout, roots, Sink.of(out), options, progress);
    }

    /** Exports the given roots, with their tags. */
    public static Report export(Layout layout, List<Root> roots, Sink out, Options options, LongConsumer progress)
            throws IOException {
        if (options.format() == Format.DOCKER && options.referrers()) {
            throw Hint.on(new UnsupportedException("a docker-archive cannot record referrers"), Hint.Kind.EXPORT_OCI_OR_DUAL);
        }
        Plan plan = new Plan(layout, options);
        ImageIndex index = ImageIndex.empty();
        ReferrerStrategy referrers = referrersAs(layout, options);
        ResponseStore responses = ResponseStore.inMemory(plan.made);
        Map<Digest, List<Descriptor>> cosignTagged = options.referrers() ? cosignTags(layout) : Map.of();
        for (Root root : roots) {
            Closure c = Closure.of(layout, root.descriptor(), options.referrers() ? new LayoutTarget(layout) : null, options.platforms());
            plan.add(c);
            if (options.format() != Format.OCI) {
                plan.docker(c, root);
            }
            index = root.tag() != null ? Tags.tag(index, root.tag(), c.top()) : Tags.addUntagged(index, c.top());
            for (Map.Entry<Digest, List<Descriptor>> e : c.referrersOf().entrySet()) {
                // a referrer found by one of cosign's tags goes as that tag (it names no subject to record it by)
                List<Descriptor> tagged = cosignTagged.getOrDefault(e.getKey(), List.of());
                List<Descriptor> recorded = new ArrayList<>();
                for (Descriptor r : e.getValue()) {
                    List<Descriptor> entries = tagged.stream().filter(t -> t.digest().equals(r.digest())).toList();
                    for (Descriptor t : entries) {
                        index = Tags.tagEntry(index, t.refName(), t);
                    }
                    if (entries.isEmpty()) {
                        recorded.add(r);
                    }
                }
                index = recorded.isEmpty() ? index : referrers.addAll(responses, index, e.getKey(), recorded);
            }
        }
        return plan.write(index, out, progress);
    }

    /**
     * The layout's entries under one of cosign's tags, by the digest their tag names: of every repository, as
     * referrers by digest are (they sign the content, whichever name it has).
     */
    private static Map<Digest, List<Descriptor>> cosignTags(Layout layout) throws IOException {
        Map<Digest, List<Descriptor>> out = new java.util.HashMap<>();
        for (Descriptor d : layout.index().read().manifests()) {
            Digest subject = d.refName() == null ? null : ReferrerKeys.subjectOfCosignTag(RefName.tagOf(d.refName()));
            if (subject != null) {
                out.computeIfAbsent(subject, k -> new ArrayList<>()).add(d);
            }
        }
        return out;
    }

    /**
     * How the archive records referrers: as asked; else as the layout does, so that an import into a new layout
     * gives the readers of the source their referrers back; else as subject-annotation entries.
     */
    static ReferrerStrategy referrersAs(Layout layout, Options options) throws IOException {
        if (options.referrersAs() != null) {
            return options.referrersAs();
        }
        ReferrerStrategy own = Referrers.detected(layout.index().read());
        return own != null ? own : new SubjectAnnotationStrategy();
    }

    /** Everything one archive holds, gathered before a byte is written. */
    private static final class Plan {
        private final Layout layout;
        private final Options options;
        private final Map<Digest, Descriptor> blobs = new TreeMap<>();
        private final Map<Digest, byte[]> made = new TreeMap<>();
        private final ArrayNode dockerManifest = ModelJson.mapper().createArrayNode();
        private final ObjectNode repositories = ModelJson.mapper().createObjectNode();

        Plan(Layout layout, Options options) {
            this.layout = layout;
            this.options = options;
        }

        void add(Closure c) {
            c.blobs().forEach(b -> blobs.putIfAbsent(b.digest(), b));
            if (c.filtered()) {
                made.put(c.top().digest(), c.made().bytes());
            }
        }

        /** Adds a {@code manifest.json} entry for a single-platform image. */
        void docker(Closure c, Root root) throws IOException {
            Descriptor image = c.top();
            if (MediaType.isIndex(image.mediaType())) {
                ImageIndex index = c.filtered() ? (ImageIndex) c.made().manifest()
                        : (ImageIndex) layout.readManifest(image);
                List<Descriptor> images = index.manifests().stream()
                        .filter(d -> MediaType.isImageManifest(d.mediaType())).toList();
                if (images.size() != 1 || index.manifests().size() != 1) {
                    throw Hint.on(new UnsupportedException("a docker-archive holds single-platform images, and "
                            + (root.tag() != null ? root.tag() : image.digest().toString()) + " is an index of "
                            + index.manifests().size() + " manifests"), Hint.Kind.CHOOSE_PLATFORM);
                }
                image = images.get(0);
            }
            Manifest m = layout.readManifest(image);
            if (!(m instanceof ImageManifest im) || im.config() == null
                    || !(MediaType.OCI_CONFIG.equals(im.config().mediaType()) || MediaType.DOCKER_CONFIG.equals(im.config().mediaType()))) {
                throw new UnsupportedException(image.digest() + " is not a container image (its config is "
                        + (m instanceof ImageManifest im2 && im2.config() != null ? im2.config().mediaType() : "absent")
                        + "); a docker-archive holds images only");
            }
            ObjectNode entry = dockerManifest.addObject();
            entry.put("Config", ArchivePaths.blobName(im.config().digest()));
            ArrayNode tags = entry.putArray("RepoTags");
            String repoTag = null;
            if (root.tag() != null) {
                String named = root.descriptor().annotation(DockerArchive.IMAGE_NAME);
                String fullName = RefName.repositoryOf(root.tag());
                repoTag = fullName != null ? fullName + ":" + RefName.tagOf(root.tag()) // the name it was stored under
                        : named != null && DockerArchive.tagOf(named).equals(root.tag()) ? named
                        : repository() + ":" + root.tag();
                tags.add(repoTag);
            }
            ArrayNode layers = entry.putArray("Layers");
            for (Descriptor l : im.layers()) {
                if (!l.urls().isEmpty() && !layout.blobs().exists(l.digest())) {
                    throw new UnsupportedException("layer " + l.digest() + " of " + image.digest()
                            + " is a foreign layer, not stored here; a docker-archive needs every layer");
                }
                layers.add(ArchivePaths.blobName(l.digest()));
            }
            if (repoTag != null && !im.layers().isEmpty()) {
                int colon = repoTag.lastIndexOf(':');
                ObjectNode repo = repositories.has(repoTag.substring(0, colon))
                        ? (ObjectNode) repositories.get(repoTag.substring(0, colon))
                        : repositories.putObject(repoTag.substring(0, colon));
                repo.put(repoTag.substring(colon + 1), im.layers().get(im.layers().size() - 1).digest().encoded());
            }
        }

        private String repository() {
            if (options.repository() != null) {
                return options.repository();
            }
            Path name = layout.root().toAbsolutePath().normalize().getFileName();
            String base = name == null ? "" : name.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-")
                    .replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
            return base.isEmpty() ? "image" : base;
        }

        Report write(ImageIndex index, Sink sink, LongConsumer progress) throws IOException {
            Format format = options.format();
            List<BlobList.Entry> expected = new ArrayList<>();
            Map<Digest, Object> all = new TreeMap<>();
            blobs.forEach((d, desc) -> {
                if (options.exclude().contains(d)) {
                    expected.add(new BlobList.Entry(d, desc.size()));
                } else {
                    all.put(d, desc);
                }
            });
            made.forEach(all::put);
            if (progress instanceof ProgressListener listener) {
                long total = 0;
                for (Object o : all.values()) {
                    total += o instanceof Descriptor desc ? desc.size() : 0;
                }
                listener.planned(total);
            }

            boolean plain = options.compression() == Compression.NONE;
            OutputStream compressed = options.compression().compress(sink.stream());
            TarWriter tar = new TarWriter(compressed, plain ? sink.file() : null);
            long bytes = 0;
            if (format != Format.DOCKER) {
                tar.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            }
            if (!expected.isEmpty()) {
                tar.file(EXPECTED_BLOBS, BlobList.format(expected));
            }
            for (Map.Entry<Digest, Object> e : all.entrySet()) {
                String name = ArchivePaths.blobName(e.getKey());
                if (e.getValue() instanceof byte[] b) {
                    tar.file(name, b);
                    bytes += b.length;
                } else {
                    Descriptor desc = (Descriptor) e.getValue();
                    tar.blob(name, desc, layout.blobs(), progress);
                    bytes += desc.size();
                }
            }
            if (format != Format.OCI) {
                tar.file(DockerArchive.MANIFEST_JSON_NAME, ModelJson.mapper().writeValueAsBytes(dockerManifest));
                tar.file(DockerArchive.REPOSITORIES_NAME, ModelJson.mapper().writeValueAsBytes(repositories));
            }
            if (format != Format.DOCKER) {
                tar.file("index.json", ModelJson.toBytes(index, false));
            }
            tar.finish();
            Compression.finish(compressed);
            sink.stream().flush();
            return new Report(all.size(), bytes, index, expected.size());
        }
    }

}
