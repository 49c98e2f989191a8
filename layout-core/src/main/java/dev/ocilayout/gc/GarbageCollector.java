package dev.ocilayout.gc;

import dev.ocilayout.Layout;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.io.Parallel;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerKeys;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Digest;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.store.BlobStore.BlobFile;
import dev.ocilayout.store.LayoutLock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Mark and sweep for a layout.
 *
 * <p><b>Mark.</b> Roots are the {@code index.json} entries (only the tagged ones with
 * {@link Policy#dropUntagged()}). Then, until nothing changes, every manifest whose {@code subject} is live
 * is marked too, however it is stored: an {@code index.json} entry, or a manifest found only in
 * {@code blobs/} (the layout {@code cosign save} leaves). So signatures and SBOMs survive with their
 * subjects.
 *
 * <p><b>Sweep.</b> Blobs not marked, named by a valid digest, and older than the grace period; and this
 * tool's temp files in {@code ingest/} older than the grace period that no writer holds. Everything else in
 * the layout (unknown files and folders, which the image-spec allows) is left alone.
 *
 * <p><b>Beside writers.</b> The whole run holds the layout lock, so no {@code index.json} change
 * interleaves with it. Writers store blobs before they take the lock; the grace period (default one hour)
 * keeps those, and each blob's age is checked again just before it is deleted. A push whose blob was
 * nevertheless removed (with {@code --grace 0s}) fails when it records its tag, because pushes check
 * their blobs under the lock: a push never ends with a dangling tag (spec-notes/gc.md).
 */
public final class GarbageCollector {
    /** Default grace period: blobs younger than this are never removed. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

    /**
     * @param dropUntagged only tagged entries are roots, and untagged entries that end up unreachable are
     *                     removed from {@code index.json}
     * @param grace        blobs and temp files younger than this are kept
     * @param dryRun       plan only: report what would be removed, change nothing
     */
    public record Policy(boolean dropUntagged, Duration grace, boolean dryRun) {
        public Policy {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("grace must not be negative");
            }
        }

        public static Policy defaults() {
            return new Policy(false, DEFAULT_GRACE, false);
        }
    }

    /** A blob that is (or would be) removed. */
    public record Removal(Digest digest, long size) {
    }

    /**
     * What a run found and did.
     *
     * @param live           digests kept because they are reachable
     * @param liveBytes      bytes of the live blobs present
     * @param referrersKept  manifests kept only because their subject is live
     * @param removed        blobs removed (or, in a dry run, that would be)
     * @param keptYoung      unreachable blobs kept because they are younger than the grace period
     * @param temps          temp files removed (or that would be)
     * @param droppedEntries {@code index.json} entries removed (or that would be)
     * @param problems       what the walk met (missing blobs and the like), reported but not acted on
     */
    public record Report(boolean dryRun, int live, long liveBytes, List<Digest> referrersKept, List<Removal> removed,
                         int keptYoung, List<Path> temps, List<Descriptor> droppedEntries,
                         List<Graph.Problem> problems) {
        public long reclaimedBytes() {
            return removed.stream().mapToLong(Removal::size).sum();
        }
    }

    private final Layout layout;
    private final Policy policy;
    /** Subjects of untagged {@code index.json} entries, by entry digest. */
    private final Map<Digest, Descriptor> subjectDescriptors = new HashMap<>();
    /** Descriptors for manifests found only in {@code blobs/}, by digest. */
    private final Map<Digest, Descriptor> blobDescriptors = new HashMap<>();

    private GarbageCollector(Layout layout, Policy policy) {
        this.layout = layout;
        this.policy = policy;
    }

    /** Runs gc (or plans it, with {@link Policy#dryRun()}) under the layout lock. */
    public static Report run(Layout layout, Policy policy) throws IOException {
        try (LayoutLock.Held held = layout.lock()) {
            return new GarbageCollector(layout, policy).collect();
        }
    }

    private Report collect() throws IOException {
        Instant cutoff = Instant.now().minus(policy.grace());
        ImageIndex index = layout.index().read();
        // Referrer bookkeeping (response indexes, fallback tags) lives only as long as its subject.
        Map<Descriptor, Digest> bookkeeping = new LinkedHashMap<>();
        for (Descriptor d : index.manifests()) {
            Digest subject = bookkeepingSubject(d);
            if (subject != null) {
                bookkeeping.put(d, subject);
            }
        }
        List<Descriptor> roots = index.manifests().stream()
                .filter(d -> !bookkeeping.containsKey(d) && (!policy.dropUntagged() || d.refName() != null))
                .toList();
        // Listing blobs/ is independent of the walk: do both at once.
        java.util.concurrent.CompletableFuture<List<BlobFile>> scan = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return layout.blobs().scan();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        Graph graph = GraphWalker.walk(layout, roots);
        List<BlobFile> files;
        try {
            files = scan.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.io.UncheckedIOException u) {
                throw u.getCause();
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }

        // Referrers of live subjects, wherever they are recorded, until nothing changes.
        List<Descriptor> untaggedEntries = policy.dropUntagged()
                ? index.manifests().stream().filter(d -> d.refName() == null && !bookkeeping.containsKey(d)).toList()
                : List.of();
        untaggedEntries.forEach(this::rememberSubject);
        Map<Digest, Manifest> blobManifests = blobOnlyManifests(files, graph);
        List<Digest> referrersKept = new ArrayList<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            List<Descriptor> more = new ArrayList<>();
            for (Descriptor entry : untaggedEntries) {
                Descriptor subject = subjectDescriptors.get(entry.digest());
                if (subject != null && graph.reachable().contains(subject.digest())
                        && !graph.reachable().contains(entry.digest())) {
                    more.add(entry);
                }
            }
            for (Map.Entry<Descriptor, Digest> e : bookkeeping.entrySet()) {
                if (graph.reachable().contains(e.getValue()) && !graph.reachable().contains(e.getKey().digest())) {
                    more.add(e.getKey());
                }
            }
            for (Map.Entry<Digest, Manifest> e : blobManifests.entrySet()) {
                Descriptor subject = e.getValue().subject();
                if (subject != null && graph.reachable().contains(subject.digest())
                        && !graph.reachable().contains(e.getKey())) {
                    more.add(blobDescriptors.get(e.getKey()));
                }
            }
            if (!more.isEmpty()) {
                more.stream().filter(d -> !bookkeeping.containsKey(d)).forEach(d -> referrersKept.add(d.digest()));
                graph = GraphWalker.extend(layout, graph, more);
                changed = true;
            }
        }

        Set<Digest> live = graph.reachable();
        long liveBytes = 0;
        List<Removal> removals = new ArrayList<>();
        int keptYoung = 0;
        for (BlobFile f : files) {
            if (!f.isBlob()) {
                continue; // not ours to judge: left alone (fsck reports it)
            }
            if (live.contains(f.digest())) {
                liveBytes += f.attributes().size();
            } else if (f.attributes().lastModifiedTime().toInstant().isAfter(cutoff)) {
                keptYoung++;
            } else {
                removals.add(new Removal(f.digest(), f.attributes().size()));
            }
        }
        List<Descriptor> dropped = new ArrayList<>();
        untaggedEntries.stream().filter(d -> !live.contains(d.digest())).forEach(dropped::add);
        bookkeeping.keySet().stream().filter(d -> !live.contains(d.digest())).forEach(dropped::add);
        List<Path> temps = layout.blobs().staleTemps(policy.grace());

        if (policy.dryRun()) {
            return new Report(true, live.size(), liveBytes, referrersKept, removals, keptYoung, temps, dropped,
                    graph.problems());
        }
        if (!dropped.isEmpty()) {
            Set<Descriptor> drop = new HashSet<>(dropped);
            layout.index().update(i -> i.without(drop::contains));
        }
        Set<Digest> deleted = layout.blobs().deleteIf(removals.stream().map(Removal::digest).toList(),
                a -> !a.lastModifiedTime().toInstant().isAfter(cutoff));
        List<Removal> done = new ArrayList<>();
        for (Removal r : removals) {
            if (deleted.contains(r.digest())) {
                done.add(r);
            } else {
                keptYoung++;
            }
        }
        List<Path> tempsDone = new ArrayList<>();
        for (Path t : temps) {
            if (layout.options().fs().deleteIfExists(t)) {
                tempsDone.add(t);
            }
        }
        return new Report(false, live.size(), liveBytes, referrersKept, done, keptYoung, tempsDone, dropped,
                graph.problems());
    }

    /**
     * The subject an {@code index.json} entry keeps referrers for, when it is referrer bookkeeping: a
     * response index (PR #1171 or olareg key) or a fallback tag holding a whole digest. Else null.
     */
    private static Digest bookkeepingSubject(Descriptor d) {
        if (!MediaType.isIndex(d.mediaType())) {
            return null;
        }
        String annotated = d.annotation(ReferrerKeys.OCI_REFERRER_SUBJECT) != null
                ? d.annotation(ReferrerKeys.OCI_REFERRER_SUBJECT) : d.annotation(ReferrerKeys.OLAREG_REFERRER_SUBJECT);
        if (annotated != null) {
            return Digest.tryParse(annotated);
        }
        return ReferrerIndex.isFallbackEntry(d) ? ReferrerKeys.subjectOfFallbackTag(d.refName()) : null;
    }

    /** Records the subject of an {@code index.json} entry's manifest, if it has one and can be read. */
    private void rememberSubject(Descriptor entry) {
        if (!MediaType.isManifestOrIndex(entry.mediaType())) {
            return;
        }
        try {
            Descriptor s = layout.readManifest(entry).subject();
            if (s != null) {
                subjectDescriptors.put(entry.digest(), s);
            }
        } catch (IOException e) {
            // unreadable: no subject to follow; the walk reports the entry's problem
        }
    }

    /**
     * Manifests among the blobs the walk did not reach: small files that start with '{' and parse as a
     * manifest or index carrying a {@code subject}. Only these can be referrers that gc must keep.
     */
    private Map<Digest, Manifest> blobOnlyManifests(List<BlobFile> files, Graph graph) throws IOException {
        List<BlobFile> candidates = new ArrayList<>();
        for (BlobFile f : files) {
            if (f.isBlob() && !graph.reachable().contains(f.digest())
                    && f.attributes().size() <= layout.options().maxManifestBytes() && f.attributes().size() >= 2
                    && f.digest().knownAlgorithm().isPresent()) {
                candidates.add(f);
            }
        }
        List<Manifest> parsed = Parallel.map(candidates, Parallel.IO_THREADS,
                f -> ReferrerIndex.manifestWithSubject(layout, f));
        Map<Digest, Manifest> found = new HashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            Manifest m = parsed.get(i);
            if (m != null) {
                Digest d = candidates.get(i).digest();
                String type = m.mediaType() != null ? m.mediaType()
                        : m instanceof ImageIndex ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
                found.put(d, m);
                blobDescriptors.put(d, Descriptor.of(type, d, candidates.get(i).attributes().size()));
            }
        }
        return found;
    }


}
