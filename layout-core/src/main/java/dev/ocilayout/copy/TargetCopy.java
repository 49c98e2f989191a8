package dev.ocilayout.copy;

import dev.ocilayout.content.BlobMount;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.content.Target;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.io.Parallel;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.model.RefName;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A copy between any two targets, over the roles alone (issue #21's engine, first use: registry to registry
 * without a temp layout). Blobs stream from the source to the destination, verified as they are read;
 * manifests go children first, each as its exact bytes; referrers (on request) follow their subject, and the
 * destination records them its way (a layout by its strategy, a registry through its referrers API or the
 * fallback tag); the tag is written last, once everything it names is in place. Iterative, each digest once,
 * nesting bounded.
 */
public final class TargetCopy {
    /** Manifests nested deeper than this are refused. */
    static final int MAX_DEPTH = 10_000;

    /**
     * @param referrers copy the referrers of every manifest copied, and theirs
     * @param platforms keep only these platforms of a top-level index (a new index is made); empty: all
     * @param parallel  blobs moved at once
     */
    public record Options(boolean referrers, List<Platform> platforms, int parallel) {
        public Options {
            platforms = List.copyOf(platforms);
            parallel = Math.max(1, parallel);
        }

        public static Options defaults() {
            return new Options(false, List.of(), 4);
        }
    }

    /** What a copy moved: the root it recorded, blobs and manifests covered, those already there, bytes sent. */
    public record Report(Descriptor root, int blobs, int skipped, long bytes, int referrers) {
    }

    private final ReadOnlyTarget src;
    private final Target dst;
    private final Options options;
    private final LongConsumer progress;
    private final Set<Digest> done = ConcurrentHashMap.newKeySet();
    private final Set<Digest> referrerDigests = new HashSet<>();
    private final AtomicInteger covered = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    private TargetCopy(ReadOnlyTarget src, Target dst, Options options, LongConsumer progress) {
        this.src = src;
        this.dst = dst;
        this.options = options;
        this.progress = progress;
    }

    /**
     * Copies what {@code reference} names in {@code src} into {@code dst}, and tags it {@code tag} there
     * (by digest only when null).
     */
    public static Report copy(ReadOnlyTarget src, String reference, Target dst, String tag, Options options,
                              LongConsumer progress) throws IOException {
        if (tag != null) {
            RefName.validate(tag);
        }
        Descriptor root = src.resolve(reference);
        byte[] rootBytes = src.fetchManifest(root);
        if (!options.platforms().isEmpty() && MediaType.isIndex(root.mediaType())) {
            ImageIndex index = ModelJson.parseIndex(rootBytes, reference);
            List<Descriptor> kept = index.manifests().stream().filter(d -> d.platform() != null
                    && options.platforms().stream().anyMatch(w -> Closure.matches(w, d.platform()))).toList();
            if (kept.isEmpty()) {
                throw new NotFoundException(reference + " lists no manifest for " + options.platforms());
            }
            if (kept.size() != index.manifests().size()) {
                rootBytes = ModelJson.toBytes(index.withManifests(kept), false);
                root = Descriptor.of(root.mediaType(), Digest.sha256(rootBytes), rootBytes.length);
            }
        }
        TargetCopy c = new TargetCopy(src, dst, options, progress);
        c.walk(root, rootBytes);
        if (tag != null) {
            dst.tag(root, tag);
        }
        return new Report(root, c.covered.get(), c.skipped.get(), c.bytes.get(), c.referrerDigests.size());
    }

    /** One manifest being copied: the manifests it lists (and its referrers) still to copy, and its blobs. */
    private final class Frame {
        final Descriptor descriptor;
        final byte[] bytes;
        final List<Descriptor> pending = new ArrayList<>();
        final List<Descriptor> blobs = new ArrayList<>();
        int next;
        boolean stored;

        Frame(Descriptor descriptor, byte[] bytes) throws IOException {
            this.descriptor = descriptor;
            this.bytes = bytes;
            Manifest m = ModelJson.parseManifest(bytes, descriptor.mediaType(), "manifest " + descriptor.digest());
            for (Descriptor c : m.children()) {
                if (!c.urls().isEmpty()) {
                    continue; // foreign: never fetched (reliability.md: urls are never followed)
                }
                if (MediaType.isManifestLike(c.mediaType())) {
                    pending.add(c);
                } else if (done.add(c.digest())) {
                    blobs.add(c);
                }
            }
        }
    }

    private void walk(Descriptor root, byte[] rootBytes) throws IOException {
        Deque<Frame> stack = new ArrayDeque<>();
        enter(stack, root, rootBytes);
        while (!stack.isEmpty()) {
            Frame f = stack.peek();
            if (f.next < f.pending.size()) {
                enter(stack, f.pending.get(f.next++), null);
                continue;
            }
            if (!f.stored) {
                f.stored = true;
                Parallel.map(f.blobs, options.parallel(), this::blob);
                if (dst.exists(f.descriptor)) {
                    skipped.incrementAndGet();
                }
                // pushed even when there: small, and it is what records a referrer at the destination
                dst.pushManifest(f.descriptor, f.bytes);
                if (options.referrers()) {
                    for (Descriptor r : src.referrers(f.descriptor.digest(), null)) {
                        referrerDigests.add(r.digest());
                        f.pending.add(r);
                    }
                    continue;
                }
            }
            stack.pop();
        }
    }

    private void enter(Deque<Frame> stack, Descriptor d, byte[] known) throws IOException {
        if (!done.add(d.digest())) {
            return;
        }
        if (stack.size() >= MAX_DEPTH) {
            throw new InvalidContentException("manifest " + d.digest() + " is nested deeper than " + MAX_DEPTH + " levels");
        }
        covered.incrementAndGet();
        stack.push(new Frame(d, known != null ? known : src.fetchManifest(d)));
    }

    private Void blob(Descriptor d) throws IOException {
        covered.incrementAndGet();
        if (dst.exists(d) || dst instanceof BlobMount m && m.mount(d)) {
            skipped.incrementAndGet();
            return null;
        }
        // a blob embedded in its descriptor is sent from there: a registry wants it stored all the same
        try (InputStream in = d.data() != null ? new java.io.ByteArrayInputStream(d.decodedData()) : src.fetch(d)) {
            dst.push(d, progress == null ? in : new Counting(in, progress));
        }
        bytes.addAndGet(d.size());
        return null;
    }

    /** Reports each chunk read to the progress listener. */
    private static final class Counting extends java.io.FilterInputStream {
        private final LongConsumer progress;

        Counting(InputStream in, LongConsumer progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                progress.accept(n);
            }
            return n;
        }
    }
}
