package dev.ocilayout.gc;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.UnreadableContentException;
import dev.ocilayout.graph.FailClosed;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.RefName;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerKeys;
import dev.ocilayout.store.BlobStore.Examined;
import dev.ocilayout.store.LayoutLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Mark and sweep for a layout.
 *
 * <p><b>Mark.</b> Roots are the {@code index.json} entries (only the tagged ones with
 * {@link Policy#dropUntagged()}). Then, until nothing changes, every manifest whose {@code subject} is live
 * is marked too, however it is stored: an {@code index.json} entry, or a manifest found only in
 * {@code blobs/} (the layout {@code cosign save} leaves). So signatures and SBOMs survive with their
 * subjects.
 *
 * <p><b>Fail closed.</b> A reached manifest or index that cannot be read and parsed hides what it
 * references, so gc refuses to run (unless {@link Policy#ignoreUnreadable()}), naming it and its path from
 * {@code index.json}, and removes nothing; so does an {@code index.json} entry it would drop, and a blob only
 * in {@code blobs/} that reads like a manifest with a {@code subject} but does not verify.
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
     * @param ignoreUnreadable go on when a reached manifest cannot be read, treating it as a leaf (its
     *                     config and layers are then removed unless something else reaches them); without
     *                     it gc refuses and removes nothing
     */
    public record Policy(boolean dropUntagged, Duration grace, boolean dryRun, boolean ignoreUnreadable) {
        public Policy {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("grace must not be negative");
            }
        }

        public Policy(boolean dropUntagged, Duration grace, boolean dryRun) {
            this(dropUntagged, grace, dryRun, false);
        }

        public static Policy defaults() {
            return new Policy(false, DEFAULT_GRACE, false, false);
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
     * @param removed        blobs removed (or, in a dry run, that would be), in directory order
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
        // Listing blobs/ (names only) is independent of the walk: do both at once.
        CompletableFuture<List<Digest>> listing = CompletableFuture.supplyAsync(() -> {
            try {
                return layout.blobs().digests();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Graph graph = GraphWalker.walk(layout, roots);
        // The unreachable blobs, each examined once: attributes for the grace period and the report, and
        // the content of the small ones, among which referrers of live subjects may hide.
        List<Digest> unreached = unreached(join(listing), graph.reachable());
        List<Examined> seen = layout.blobs().examine(unreached, 2, layout.options().maxManifestBytes(),
                ReferrerIndex.SUBJECT_CANDIDATES);
        Map<Digest, Descriptor> blobReferrers = new HashMap<>();
        Map<Digest, Digest> blobReferrerSubjects = new HashMap<>();
        Set<Digest> unverifiable = new HashSet<>();
        List<Graph.Problem> blobProblems = new ArrayList<>();
        for (int i = 0; i < unreached.size(); i++) {
            Digest d = unreached.get(i);
            BasicFileAttributes a = seen.get(i).attributes();
            if (a != null && !a.isRegularFile()) {
                // a FIFO, link or folder where a blob goes: what was there is unknown (it may have been a referrer)
                unverifiable.add(d);
                blobProblems.add(new Graph.Problem(Graph.ProblemCode.NOT_A_REGULAR_FILE, d, List.of(d),
                        layout.root().relativize(layout.blobs().path(d)) + " is not a regular file"));
                continue;
            }
            Manifest m = ReferrerIndex.manifestWithSubject(d, seen.get(i).content());
            if (m != null) {
                blobReferrers.put(d, ReferrerIndex.blobOnlyDescriptor(d, m, seen.get(i).attributes().size()));
                blobReferrerSubjects.put(d, m.subject().digest());
            } else if (seen.get(i).content() != null) {
                // reads like a manifest with a subject, yet does not hash to its name or parse: it may be a
                // referrer of live content, so it is not gc's to judge; gc stops, or keeps it when told to go on
                unverifiable.add(d);
                blobProblems.add(new Graph.Problem(Graph.ProblemCode.UNPARSABLE_MANIFEST, d, List.of(d), "blob " + d
                        + " looks like a manifest with a subject but does not match its digest or does not parse"));
            }
        }

        // Referrers of live subjects, wherever they are recorded, until nothing changes.
        List<Descriptor> untaggedEntries = policy.dropUntagged()
                ? index.manifests().stream().filter(d -> d.refName() == null && !bookkeeping.containsKey(d)).toList()
                : List.of();
        for (Descriptor entry : untaggedEntries) {
            rememberSubject(entry);
        }
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
            for (Map.Entry<Digest, Digest> e : blobReferrerSubjects.entrySet()) {
                if (graph.reachable().contains(e.getValue()) && !graph.reachable().contains(e.getKey())) {
                    more.add(blobReferrers.get(e.getKey()));
                }
            }
            if (!more.isEmpty()) {
                more.stream().filter(d -> !bookkeeping.containsKey(d)).forEach(d -> referrersKept.add(d.digest()));
                graph = GraphWalker.extend(layout, graph, more);
                changed = true;
            }
        }

        if (!policy.ignoreUnreadable()) {
            FailClosed.requireReadable(graph, "gc");
            if (!blobProblems.isEmpty()) {
                // what it references is unknown, and it may be a damaged signature or SBOM of kept content
                Graph.Problem first = blobProblems.get(0);
                throw new UnreadableContentException("gc refused: " + first.message() + " (only in blobs/: it may"
                        + " have been a signature or SBOM of kept content)" + (blobProblems.size() > 1 ? "; and " + (blobProblems.size() - 1)
                        + " more such blobs" : "") + "; nothing was changed", first.digest());
            }
        }
        Set<Digest> live = graph.reachable();
        long liveBytes = 0;
        for (Graph.Node n : graph.nodes().values()) {
            if (n.presence() == Graph.Presence.PRESENT) {
                liveBytes += n.storedSize();
            }
        }
        List<Removal> removals = new ArrayList<>();
        int keptYoung = 0;
        for (int i = 0; i < unreached.size(); i++) {
            BasicFileAttributes a = seen.get(i).attributes();
            if (live.contains(unreached.get(i)) || unverifiable.contains(unreached.get(i)) || a == null
                    || !a.isRegularFile()) {
                continue; // kept as a referrer's, gone meanwhile, or not ours to judge (fsck reports it)
            }
            if (a.lastModifiedTime().toInstant().isAfter(cutoff)) {
                keptYoung++;
            } else {
                removals.add(new Removal(unreached.get(i), a.size()));
            }
        }
        List<Descriptor> dropped = new ArrayList<>();
        untaggedEntries.stream().filter(d -> !live.contains(d.digest())).forEach(dropped::add);
        bookkeeping.keySet().stream().filter(d -> !live.contains(d.digest())).forEach(dropped::add);
        if (!policy.ignoreUnreadable() && !dropped.isEmpty()) {
            // an entry gc drops must be read too: an unreadable one may be a referrer of live content
            FailClosed.requireReadable(GraphWalker.walk(layout, dropped), "gc");
        }
        List<Path> temps = layout.blobs().staleTemps(policy.grace());

        List<Graph.Problem> problems = new ArrayList<>(graph.problems());
        problems.addAll(blobProblems);
        if (policy.dryRun()) {
            return new Report(true, live.size(), liveBytes, referrersKept, removals, keptYoung, temps, dropped,
                    problems);
        }
        if (!dropped.isEmpty()) {
            Set<Descriptor> drop = new HashSet<>(dropped);
            layout.index().update(i -> i.without(drop::contains));
        }
        Map<Digest, BasicFileAttributes> deleted = layout.blobs().deleteIf(
                removals.stream().map(Removal::digest).toList(), a -> !a.lastModifiedTime().toInstant().isAfter(cutoff));
        List<Removal> done = new ArrayList<>();
        for (Removal r : removals) {
            BasicFileAttributes a = deleted.get(r.digest());
            if (a != null) {
                done.add(new Removal(r.digest(), a.size()));
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
        return new Report(false, live.size(), liveBytes, referrersKept, done, keptYoung, tempsDone, dropped, problems);
    }

    /**
     * The subject an {@code index.json} entry keeps referrers for, when it is referrer bookkeeping: a
     * response index (PR #1171 or olareg key) or a fallback tag holding a whole digest. Else null.
     */
    private static Digest bookkeepingSubject(Descriptor d) {
        if (d.refName() != null && ReferrerKeys.subjectOfCosignTag(RefName.tagOf(d.refName())) != null) {
            return ReferrerKeys.subjectOfCosignTag(RefName.tagOf(d.refName())); // cosign's .sig/.att/.sbom tags
        }
        if (!MediaType.isIndex(d.mediaType())) {
            return null;
        }
        String annotated = d.annotation(ReferrerKeys.OCI_REFERRER_SUBJECT) != null
                ? d.annotation(ReferrerKeys.OCI_REFERRER_SUBJECT) : d.annotation(ReferrerKeys.OLAREG_REFERRER_SUBJECT);
        if (annotated != null) {
            return Digest.tryParse(annotated);
        }
        return ReferrerIndex.isFallbackEntry(d) ? ReferrerKeys.subjectOfFallbackTag(RefName.tagOf(d.refName())) : null;
    }

    /** Records the subject of an {@code index.json} entry's manifest, if it has one and can be read. */
    private void rememberSubject(Descriptor entry) throws IOException {
        if (!MediaType.isManifestOrIndex(entry.mediaType())) {
            return;
        }
        try {
            Descriptor s = layout.readManifest(entry).subject();
            if (s != null) {
                subjectDescriptors.put(entry.digest(), s);
            }
        } catch (IOException e) {
            if (!policy.ignoreUnreadable()) {
                // unreadable: whether it is a referrer of kept content cannot be known, so it is not dropped
                FailClosed.requireReadable(GraphWalker.walk(layout, List.of(entry)), "gc");
                throw e;
            }
        }
    }

    /** The names not reached; the whole listing (a million digests) is garbage once this returns. */
    private static List<Digest> unreached(List<Digest> names, Set<Digest> reached) {
        List<Digest> unreached = new ArrayList<>();
        for (Digest d : names) {
            if (!reached.contains(d)) {
                unreached.add(d);
            }
        }
        return unreached;
    }

    private static <T> T join(CompletableFuture<T> future) throws IOException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
