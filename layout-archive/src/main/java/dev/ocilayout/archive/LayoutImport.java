package dev.ocilayout.archive;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.error.TagConflictException;
import dev.ocilayout.graph.FailClosed;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RefName;
import dev.ocilayout.referrers.Referrer;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.referrers.Source;
import dev.ocilayout.store.BlobStore;
import dev.ocilayout.store.LayoutLock;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Imports an archive into a layout, transactionally: one streaming pass stores every blob through the
 * verifying ingest ({@link ArchiveReader}); then the archive's images are checked complete in the layout
 * (a delta archive relies on blobs the layout already has); then one {@code index.json} update, under the
 * lock, tags them and records their referrers in the layout's convention. Until that update nothing is
 * tagged, so a failed import leaves {@code index.json} as it was and only unreferenced blobs, which gc
 * reclaims.
 *
 * <p>The format is detected from content: an OCI layout tar (with {@code index.json}, including Docker 25+
 * archives that carry both) or a docker-archive ({@code manifest.json} only), plain, gzip or zstd.
 */
public final class LayoutImport {
    /** What to do with an archive tag that already names other content in the layout. */
    public enum OnConflict { FAIL, OVERWRITE, SKIP }

    /**
     * @param tags       tag the archive's one image with these names instead of its own tags; empty to keep its tags
     * @param onConflict for tags that name other content in the layout
     * @param strategy   how the layout records imported referrers; null for its own convention
     * @param useManifestJson in an archive with both {@code index.json} and {@code manifest.json}, take the
     *                   images from {@code manifest.json} (for the Docker 25.0.0-rc archives whose index.json is wrong)
     */
    public record Options(List<String> tags, OnConflict onConflict, ReferrerStrategy strategy, ArchiveLimits limits,
                          boolean useManifestJson) {
        public Options {
            tags = tags == null ? List.of() : List.copyOf(tags);
            onConflict = onConflict == null ? OnConflict.FAIL : onConflict;
            limits = limits == null ? ArchiveLimits.defaults() : limits;
            tags.forEach(RefName::validate);
        }

        public Options(List<String> tags, OnConflict onConflict, ReferrerStrategy strategy, ArchiveLimits limits) {
            this(tags, onConflict, strategy, limits, false);
        }

        public static Options defaults() {
            return new Options(List.of(), OnConflict.FAIL, null, ArchiveLimits.defaults());
        }
    }

    /** One image entry imported, with its tag (null: untagged). */
    public record Imported(Descriptor descriptor, String tag) {
    }

    /**
     * What an import did.
     *
     * @param format      {@code oci} or {@code docker-archive}
     * @param skippedTags tags left as they were under {@link OnConflict#SKIP}
     * @param ignored     archive entries that are neither blobs nor metadata (a docker-archive's {@code VERSION} files)
     * @param warnings    stale referrer records of the archive, left out
     * @param unneeded    blobs the archive carried that neither its images nor their referrers need: written
     *                    while the archive streamed, removed before the import ended
     * @param unneededBytes their size
     * @param referrersAs the convention the referrers were recorded by, or null when there were none
     */
    public record Report(String format, Compression compression, List<Imported> images, int blobsWritten,
                         int blobsPresent, long bytesWritten, int referrers, List<String> skippedTags,
                         List<String> ignored, List<String> warnings, int unneeded, long unneededBytes,
                         String referrersAs) {
    }

    private LayoutImport() {
    }

    public static Report importArchive(Layout layout, InputStream in, String source, Options options,
                                       LongConsumer progress) throws IOException {
        ArchiveReader.Contents contents = ArchiveReader.read(layout, in, source, options.limits(), progress);
        String format;
        ImageIndex index;
        boolean dual = contents.small.containsKey(ArchiveReader.MANIFEST_JSON);
        if (contents.small.containsKey(ArchiveReader.INDEX_JSON) && !(dual && options.useManifestJson())) {
            format = "oci";
            byte[] header = contents.small.get(ArchiveReader.OCI_LAYOUT);
            if (header != null) {
                Layout.checkLayoutHeader(header, source + ": oci-layout");
            }
            index = ModelJson.parseIndex(contents.small.get(ArchiveReader.INDEX_JSON), source + ": index.json");
            String disagreement = dual ? DockerArchive.disagreement(layout, contents, index) : null;
            if (disagreement != null) {
                throw Hint.on(new InvalidContentException(source + ": " + disagreement + "; nothing was tagged"),
                        Hint.Kind.USE_MANIFEST_JSON);
            }
        } else if (contents.small.containsKey(ArchiveReader.MANIFEST_JSON)) {
            format = "docker-archive";
            index = DockerArchive.toIndex(DockerArchive.imported(layout, contents));
        } else {
            throw new InvalidContentException(source + " is neither an OCI layout tar nor a docker-archive: it has no "
                    + "index.json and no manifest.json");
        }

        // Which entries are images and which record referrers (in whatever convention the archive used).
        ReferrerIndex referrerIndex = ReferrerIndex.build(layout, index);
        Set<Descriptor> bookkeeping = new HashSet<>();
        referrerIndex.bookkeeping().forEach(b -> bookkeeping.add(b.entry()));
        List<Descriptor> images = index.manifests().stream().filter(d -> !bookkeeping.contains(d)).toList();
        Map<Digest, List<Descriptor>> referrersOf = new LinkedHashMap<>();
        for (Digest subject : referrerIndex.subjects()) {
            for (Referrer r : referrerIndex.referrers(subject, null)) {
                if (!EnumSet.of(Source.NESTED, Source.BUILDKIT_LEGACY).containsAll(r.sources())) {
                    referrersOf.computeIfAbsent(subject, k -> new ArrayList<>()).add(r.descriptor());
                }
            }
        }

        List<Imported> imported = plan(images, options.tags(), source);
        List<Descriptor> needed = requireComplete(layout, imported, referrersOf, source);
        ReferrerStrategy strategy = referrersOf.isEmpty() ? null : options.strategy() != null ? options.strategy()
                : recordedAs(layout, index);
        List<String> skippedTags = new ArrayList<>();
        layout.index().update(current -> {
            layout.blobs().requirePresent(needed);
            skippedTags.clear();
            List<String> conflicts = conflicts(current, imported);
            if (!conflicts.isEmpty() && options.onConflict() == OnConflict.FAIL) {
                throw Hint.on(new TagConflictException(layout.root() + " already has " + (conflicts.size() == 1 ? "tag "
                        : "tags ") + String.join(", ", conflicts) + " for other content; nothing was tagged", conflicts),
                        Hint.Kind.CHOOSE_ON_CONFLICT);
            }
            if (options.onConflict() == OnConflict.OVERWRITE && !conflicts.isEmpty()) {
                // a tag moved away from content that cannot be read would leave what only it reached to gc
                List<Descriptor> replaced = new ArrayList<>();
                conflicts.forEach(t -> replaced.addAll(Tags.entries(current, t)));
                FailClosed.requireReadable(layout, replaced, "import --on-conflict overwrite");
            }
            ImageIndex next = current;
            for (Imported i : imported) {
                if (i.tag() == null) {
                    next = Tags.addUntagged(next, i.descriptor());
                } else if (options.onConflict() == OnConflict.SKIP && conflicts.contains(i.tag())) {
                    skippedTags.add(i.tag());
                } else {
                    next = Tags.tagEntry(next, i.tag(), i.descriptor());
                }
            }
            for (Map.Entry<Digest, List<Descriptor>> e : referrersOf.entrySet()) {
                next = strategy.addAll(layout, next, e.getKey(), e.getValue());
            }
            return next;
        });
        int referrerCount = (int) referrersOf.values().stream().flatMap(List::stream).map(Descriptor::digest)
                .distinct().count();
        List<Descriptor> unneeded = removeUnneeded(layout, contents.writtenBlobs, needed);
        return new Report(format, contents.compression, imported, contents.written, contents.present,
                contents.bytesWritten, referrerCount, List.copyOf(skippedTags), List.copyOf(contents.ignored),
                referrerIndex.problems(), unneeded.size(), unneeded.stream().mapToLong(Descriptor::size).sum(),
                strategy == null ? null : strategy.name());
    }

    /**
     * The layout's own convention; for a layout that records no referrers yet, the archive's, so that an
     * export then import gives the source's readers their referrers (regclient reads only fallback tags).
     */
    private static ReferrerStrategy recordedAs(Layout layout, ImageIndex archive) throws IOException {
        ReferrerStrategy s = Referrers.forCopy(layout.index().read(), archive);
        return s != null ? s : Referrers.choose(layout, null, false);
    }

    /**
     * Removes the blobs this import wrote that nothing it recorded needs: not the images' closures, not their
     * referrers in any convention, nor referrers only in blobs/ (the form {@code cosign save} writes: manifests
     * whose {@code subject} is kept content, and what they reference, until nothing changes). Only blobs this
     * import wrote are candidates, never what the layout held before; removal happens under the layout lock.
     * Returns what was removed.
     */
    private static List<Descriptor> removeUnneeded(Layout layout, List<Descriptor> written, List<Descriptor> needed)
            throws IOException {
        Set<Digest> keep = new HashSet<>();
        needed.forEach(d -> keep.add(d.digest()));
        List<Descriptor> candidates = written.stream().filter(d -> !keep.contains(d.digest())).distinct().toList();
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<Digest> digests = candidates.stream().map(Descriptor::digest).toList();
        List<BlobStore.Examined> seen = layout.blobs().examine(digests, 2, layout.options().maxManifestBytes(),
                ReferrerIndex.SUBJECT_CANDIDATES);
        Map<Digest, Manifest> blobReferrers = new LinkedHashMap<>();
        for (int i = 0; i < digests.size(); i++) {
            Manifest m = ReferrerIndex.manifestWithSubject(digests.get(i), seen.get(i).content());
            if (m != null) {
                blobReferrers.put(digests.get(i), m);
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<Digest, Manifest> e : blobReferrers.entrySet()) {
                if (!keep.contains(e.getKey()) && keep.contains(e.getValue().subject().digest())) {
                    GraphWalker.walk(layout, List.of(ReferrerIndex.blobOnlyDescriptor(e.getKey(), e.getValue(),
                            layout.blobs().size(e.getKey())))).reachable().forEach(keep::add);
                    changed = true;
                }
            }
        }
        try (LayoutLock.Held held = layout.lock()) {
            // what index.json lists now stays: a referrers response the import recorded may have the digest of
            // the archive's own (the same referrers, the same bytes), written while the archive streamed
            layout.index().read().manifests().forEach(d -> keep.add(d.digest()));
            List<Descriptor> remove = candidates.stream().filter(d -> !keep.contains(d.digest())).toList();
            if (!remove.isEmpty()) {
                layout.blobs().deleteIf(remove.stream().map(Descriptor::digest).toList(), a -> true);
            }
            return remove;
        }
    }

    /** The entries to record: the archive's own tags, or the caller's tags on the archive's one image. */
    private static List<Imported> plan(List<Descriptor> images, List<String> tags, String source)
            throws InvalidContentException {
        if (images.isEmpty()) {
            throw new InvalidContentException(source + " holds no image (its index lists nothing but referrer records)");
        }
        List<Imported> plan = new ArrayList<>();
        if (tags.isEmpty()) {
            images.forEach(d -> plan.add(new Imported(d, d.refName())));
            return plan;
        }
        Set<Digest> distinct = new LinkedHashSet<>();
        images.forEach(d -> distinct.add(d.digest()));
        if (distinct.size() != 1) {
            throw new InvalidContentException(source + " holds " + distinct.size() + " images; --tag names exactly one");
        }
        tags.forEach(t -> plan.add(new Imported(images.get(0), t)));
        return plan;
    }

    /** Tags the import would move away from other content. */
    private static List<String> conflicts(ImageIndex current, List<Imported> imported) {
        List<String> conflicts = new ArrayList<>();
        for (Imported i : imported) {
            if (i.tag() == null) {
                continue;
            }
            for (Descriptor d : Tags.entries(current, i.tag())) {
                if (!d.digest().equals(i.descriptor().digest()) && !conflicts.contains(i.tag())) {
                    conflicts.add(i.tag());
                }
            }
        }
        return conflicts;
    }

    /** Every blob the images and referrers need, all present in the layout now; else what is missing. */
    private static List<Descriptor> requireComplete(Layout layout, List<Imported> images,
                                                    Map<Digest, List<Descriptor>> referrersOf, String source)
            throws IOException {
        List<Descriptor> roots = new ArrayList<>();
        images.forEach(i -> roots.add(i.descriptor()));
        referrersOf.values().forEach(roots::addAll);
        Graph graph = GraphWalker.walk(layout, roots);
        for (Graph.Problem p : graph.problems()) {
            throw new NotFoundException(source + " is incomplete: " + p.message() + " (neither in the archive nor in "
                    + layout.root() + "); nothing was tagged");
        }
        List<Descriptor> needed = new ArrayList<>();
        for (Graph.Node n : graph.nodes().values()) {
            if (n.presence() == Graph.Presence.PRESENT) {
                needed.add(Descriptor.of(n.descriptor().mediaType(), n.digest(), n.descriptor().size()));
            }
        }
        return needed;
    }
}
