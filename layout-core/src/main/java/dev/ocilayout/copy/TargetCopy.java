package dev.ocilayout.copy;

import dev.ocilayout.content.BlobMount;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.content.Staging;
import dev.ocilayout.content.Target;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.graph.Closure;
import dev.ocilayout.io.Parallel;
import dev.ocilayout.io.ProgressListener;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.Platform;
import dev.ocilayout.model.RawManifest;
import dev.ocilayout.model.RefName;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The copy engine: copies what a reference names from any {@link ReadOnlyTarget} into any {@link Target}
 * (layout to layout, registry to layout and back, registry to registry, archive to either), with referrers
 * and a platform filter on request. In three steps:
 * <ol>
 * <li><b>plan</b>: every manifest is fetched (verified, each digest once, iteratively, nesting bounded) and
 *     put in the order a destination needs them: children before parents, referrers after their subject;
 *     the blobs they reference are collected, and the listener hears their total;</li>
 * <li><b>blobs</b>: moved in parallel, each skipped when the destination has it, mounted when it can take it
 *     without the bytes (a hard link, a registry mount), else streamed, verified as it is read;</li>
 * <li><b>manifests</b>, as their exact bytes, then the tag, last, once everything it names is in place. A
 *     destination that stages ({@link Staging}, a layout) records referrers and the root in one step then.</li>
 * </ol>
 * A copy that fails tags nothing; what it placed stays, so running it again resumes.
 */
public final class TargetCopy {
    /** Manifests nested deeper than this are refused. */
    static final int MAX_DEPTH = 100_000;

    /**
     * @param referrers copy the referrers of every manifest copied, and theirs
     * @param platforms keep only these platforms of a top-level index (a new index is made); empty: all
     * @param parallel  blobs moved at once
     * @param mount     let the destination take blobs without their bytes (hard links, registry mounts)
     */
    public record Options(boolean referrers, List<Platform> platforms, int parallel, boolean mount,
                          java.util.Set<String> referrerTypes) {
        public Options {
            platforms = List.copyOf(platforms);
            parallel = Math.max(1, parallel);
            referrerTypes = referrerTypes == null ? java.util.Set.of() : java.util.Set.copyOf(referrerTypes);
        }

        public Options(boolean referrers, List<Platform> platforms, int parallel, boolean mount) {
            this(referrers, platforms, parallel, mount, java.util.Set.of());
        }

        public static Options defaults() {
            return new Options(false, List.of(), 4, true);
        }

        public Options withReferrers(boolean on) {
            return new Options(on, platforms, parallel, mount, referrerTypes);
        }

        /** Only referrers of these artifact types, at every level (a signature of an SBOM too); empty: every referrer. */
        public Options withReferrerTypes(java.util.Collection<String> types) {
            return new Options(referrers, platforms, parallel, mount, java.util.Set.copyOf(types));
        }

        public Options withPlatforms(List<Platform> only) {
            return new Options(referrers, only, parallel, mount, referrerTypes);
        }

        public Options withParallel(int n) {
            return new Options(referrers, platforms, n, mount, referrerTypes);
        }

        public Options withMount(boolean on) {
            return new Options(referrers, platforms, parallel, on, referrerTypes);
        }
    }

    /**
     * What a copy did.
     *
     * @param root      the root as copied (a new index when {@code filtered})
     * @param tag       the tag it got at the destination, or null
     * @param filtered  whether a platform filter made a new index
     * @param blobs     blobs and manifests the copy covered
     * @param mounted   of those, the ones the destination took without the bytes (hard links, mounts)
     * @param copied    the ones whose bytes were sent
     * @param skipped   the ones the destination had
     * @param bytes     bytes sent
     * @param referrers the referrers copied, each once
     */
    public record Report(Descriptor root, String tag, boolean filtered, int blobs, int mounted, int copied, int skipped,
                         long bytes, List<Descriptor> referrers, List<String> cosignTags) {
        public Report {
            referrers = List.copyOf(referrers);
            cosignTags = cosignTags == null ? List.of() : List.copyOf(cosignTags);
        }

        public Report(Descriptor root, String tag, boolean filtered, int blobs, int mounted, int copied, int skipped,
                      long bytes, List<Descriptor> referrers) {
            this(root, tag, filtered, blobs, mounted, copied, skipped, bytes, referrers, List.of());
        }
    }

    /** cosign's tag suffixes: signatures, attestations, SBOMs, each a tag {@code sha256-<hex>.SUFFIX}. */
    private static final List<String> COSIGN_SUFFIXES = List.of("sig", "att", "sbom");

    private final ReadOnlyTarget src;
    private final Target dst;
    private final Options options;
    private final ProgressListener listener;
    private final AtomicInteger mounted = new AtomicInteger();
    private final AtomicInteger copied = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    private TargetCopy(ReadOnlyTarget src, Target dst, Options options, ProgressListener listener) {
        this.src = src;
        this.dst = dst;
        this.options = options;
        this.listener = ProgressListener.of(listener);
    }

    /**
     * Copies what {@code reference} (a tag or a digest) names in {@code src} into {@code dst}, tagged
     * {@code tag} there (by digest only, or untagged in a layout, when null).
     */
    public static Report copy(ReadOnlyTarget src, String reference, Target dst, String tag, Options options,
                              ProgressListener listener) throws IOException {
        return copy(src, src.resolve(reference), dst, tag, options, listener);
    }

    /** Copies {@code root}, already resolved in {@code src}, into {@code dst} (see above). */
    public static Report copy(ReadOnlyTarget src, Descriptor root, Target dst, String tag, Options options,
                              ProgressListener listener) throws IOException {
        if (tag != null) {
            RefName.validate(tag);
        }
        return new TargetCopy(src, dst, options, listener).run(root, tag);
    }

    private Report run(Descriptor root, String tag) throws IOException {
        RawManifest fetched = src.fetchManifest(root);
        RawManifest top = Closure.narrow(fetched, options.platforms());
        Plan plan = new Plan();
        plan.walk(top);
        long total = 0;
        for (Descriptor d : plan.blobs) {
            total += d.size();
        }
        listener.planned(total);

        Target sink = dst instanceof Staging s ? s.stage() : dst;
        // with referrers, a registry's tag comes after them (and cosign's tags): a reader, or a server that
        // admits only signed images, never sees the tag before the signatures
        boolean tagLast = tag != null && options.referrers() && !(sink instanceof Staging.Stage);
        Parallel.map(plan.blobs, options.parallel(), d -> blob(sink, d));
        for (RawManifest m : plan.manifests) {
            boolean isTop = m.digest().equals(top.digest());
            if (sink.exists(m.descriptor())) {
                skipped.incrementAndGet();
            } else if (mount(sink, m.descriptor())) {
                mounted.incrementAndGet();
            } else {
                copied.incrementAndGet();
            }
            // pushed even when there: small, and it is what records a referrer at the destination
            if (isTop && tag != null && !tagLast && !(sink instanceof Staging.Stage)) {
                sink.pushManifest(m, tag); // one request for a registry
            } else {
                sink.pushManifest(m);
            }
        }
        if (sink instanceof Staging.Stage stage) {
            stage.commit(top.descriptor(), tag);
        }
        List<String> cosign = options.referrers() ? cosignTags(plan) : List.of();
        if (tagLast) {
            sink.pushManifest(top, tag);
        }
        return new Report(top.descriptor(), tag, top != fetched, plan.blobs.size() + plan.manifests.size(),
                mounted.get(), copied.get(), skipped.get(), bytes.get(), plan.referrers, cosign);
    }

    /**
     * With referrers, cosign's tags of what was copied come along as tags ({@code sha256-<hex>.sig}, {@code .att},
     * {@code .sbom}): cosign finds its signatures by that name only, so a copy that left them would leave the
     * image unsigned at the destination (skopeo#1994). Each is copied, with what it holds, under the same tag.
     */
    private List<String> cosignTags(Plan plan) throws IOException {
        Set<Digest> referrerDigests = new HashSet<>();
        plan.referrers.forEach(r -> referrerDigests.add(r.digest()));
        List<String> out = new ArrayList<>();
        for (RawManifest m : plan.manifests) {
            if (referrerDigests.contains(m.digest())) {
                continue; // a signature's signatures are not looked for
            }
            for (String suffix : COSIGN_SUFFIXES) {
                String name = dev.ocilayout.referrers.ReferrerKeys.cosignTag(m.digest(), suffix);
                Descriptor d;
                try {
                    d = src.resolve(name);
                } catch (dev.ocilayout.error.NotFoundException | IllegalArgumentException e) {
                    continue;
                }
                new TargetCopy(src, dst, options.withReferrers(false), ProgressListener.NONE).run(d, name);
                out.add(name);
            }
        }
        return out;
    }

    /**
     * Every manifest in the order a destination takes them, and the blobs they reference. Depth first and
     * iterative: a manifest is placed once all it lists is placed; its referrers come after it.
     */
    private final class Plan {
        final List<RawManifest> manifests = new ArrayList<>();
        final List<Descriptor> blobs = new ArrayList<>();
        final List<Descriptor> referrers = new ArrayList<>();
        private final Set<Digest> seen = new HashSet<>();
        private final Set<Digest> referrerDigests = new HashSet<>();

        /** One manifest being planned: the manifests it lists (and then its referrers) still to visit. */
        private final class Frame {
            final RawManifest manifest;
            final List<Descriptor> pending = new ArrayList<>();
            int next;
            boolean placed;

            Frame(RawManifest manifest) throws IOException {
                this.manifest = manifest;
                for (Descriptor c : manifest.manifest().children()) {
                    if (!c.urls().isEmpty()) {
                        continue; // foreign: never fetched (reliability.md: urls are never followed)
                    }
                    if (MediaType.isManifestLike(c.mediaType())) {
                        pending.add(c);
                    } else if (seen.add(c.digest())) {
                        blobs.add(c);
                    }
                }
            }
        }

        void walk(RawManifest root) throws IOException {
            Deque<Frame> stack = new ArrayDeque<>();
            enter(stack, root.descriptor(), root);
            while (!stack.isEmpty()) {
                Frame f = stack.peek();
                if (f.next < f.pending.size()) {
                    enter(stack, f.pending.get(f.next++), null);
                    continue;
                }
                if (!f.placed) {
                    f.placed = true;
                    manifests.add(f.manifest);
                    if (options.referrers()) {
                        for (Descriptor r : src.referrers(f.manifest.digest(), null)) {
                            if (!options.referrerTypes().isEmpty() && !options.referrerTypes().contains(r.artifactType())) {
                                continue;
                            }
                            if (referrerDigests.add(r.digest())) {
                                referrers.add(r);
                            }
                            f.pending.add(r);
                        }
                        continue;
                    }
                }
                stack.pop();
            }
        }

        private void enter(Deque<Frame> stack, Descriptor d, RawManifest known) throws IOException {
            if (!seen.add(d.digest())) {
                return;
            }
            if (stack.size() >= MAX_DEPTH) {
                throw new InvalidContentException("manifest " + d.digest() + " is nested deeper than " + MAX_DEPTH + " levels");
            }
            stack.push(new Frame(known != null ? known : fetch(d)));
        }

        private RawManifest fetch(Descriptor d) throws IOException {
            try {
                return src.fetchManifest(d);
            } catch (NotFoundException e) {
                throw new NotFoundException("cannot copy: " + e.getMessage() + "; nothing was tagged", e);
            }
        }
    }

    private Void blob(Target sink, Descriptor d) throws IOException {
        if (sink.exists(d)) {
            skipped.incrementAndGet();
            listener.accept(d.size());
            return null;
        }
        if (mount(sink, d)) {
            mounted.incrementAndGet();
            listener.accept(d.size());
            return null;
        }
        // a blob embedded in its descriptor is sent from there: a registry wants it stored all the same
        // the sink verifies what it takes (BlobSink), so the source need not hash it too: each byte hashed once
        try (InputStream in = d.data() != null ? new ByteArrayInputStream(d.decodedData()) : src.fetchForSink(d)) {
            sink.push(d, new Counting(in, listener));
        } catch (NotFoundException e) {
            throw new NotFoundException("cannot copy: " + e.getMessage() + "; nothing was tagged", e);
        }
        copied.incrementAndGet();
        bytes.addAndGet(d.size());
        return null;
    }

    private boolean mount(Target sink, Descriptor d) throws IOException {
        return options.mount() && sink instanceof BlobMount m && m.mount(d, src);
    }

    /** Tells the listener of each chunk read. */
    private static final class Counting extends FilterInputStream {
        private final ProgressListener listener;

        Counting(InputStream in, ProgressListener listener) {
            super(in);
            this.listener = listener;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                listener.accept(n);
            }
            return n;
        }
    }
}
