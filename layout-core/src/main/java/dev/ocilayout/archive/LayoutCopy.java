package dev.ocilayout.archive;

import dev.ocilayout.Layout;
import dev.ocilayout.NotFoundException;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Digest;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.referrers.Referrer;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.store.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Copies content from one layout to another: the closure of a root, optionally only some platforms of an
 * index, optionally every referrer (recursively), skipping blobs the destination has. On one file system
 * blobs are hard-linked, else copied through the destination's verifying ingest. The destination's
 * {@code index.json} is updated once, at the end, under its lock, after every blob is present: a failed
 * copy tags nothing.
 */
public final class LayoutCopy {
    /**
     * @param referrers copy referrers of everything copied, recursively, recorded by the destination's convention
     * @param platforms keep only these platforms of an index root (a new index is written); empty for all
     * @param link      hard-link blobs when source and destination share a file system
     * @param strategy  how the destination records referrers; null for its own convention
     */
    public record Options(boolean referrers, List<Platform> platforms, boolean link, ReferrerStrategy strategy) {
        public Options {
            platforms = platforms == null ? List.of() : List.copyOf(platforms);
        }

        /** Options with the destination's own referrers convention. */
        public Options(boolean referrers, List<Platform> platforms, boolean link) {
            this(referrers, platforms, link, null);
        }

        public static Options defaults() {
            return new Options(false, List.of(), true);
        }
    }

    /** What a copy did. */
    public record Report(Descriptor root, boolean filtered, int blobs, int linked, int copied, int skipped, long bytesCopied,
                         List<Descriptor> referrers) {
    }

    private LayoutCopy() {
    }

    /**
     * Copies {@code root} from {@code src} into {@code dst} and tags it {@code tag} there (or records it
     * untagged when {@code tag} is null).
     */
    public static Report copy(Layout src, Descriptor root, Layout dst, String tag, Options options, LongConsumer progress)
            throws IOException {
        if (tag != null) {
            dev.ocilayout.model.RefName.validate(tag);
        }
        Descriptor top = root;
        boolean filtered = false;
        byte[] filteredIndex = null;
        if (!options.platforms().isEmpty() && MediaType.isIndex(root.mediaType())) {
            ImageIndex index = (ImageIndex) src.readManifest(root);
            List<Descriptor> kept = index.manifests().stream()
                    .filter(d -> d.platform() != null && options.platforms().stream().anyMatch(p -> matches(p, d.platform())))
                    .toList();
            if (kept.isEmpty()) {
                throw new NotFoundException(root.digest() + " lists no manifest for " + options.platforms());
            }
            if (kept.size() != index.manifests().size()) {
                filteredIndex = ModelJson.toBytes(index.withManifests(kept), false);
                top = Descriptor.of(root.mediaType(), Digest.sha256(filteredIndex), filteredIndex.length);
                filtered = true;
            }
        }
        List<Descriptor> roots = filtered ? ((ImageIndex) ModelJson.parseManifest(filteredIndex, root.mediaType(),
                "filtered index")).manifests() : List.of(root);
        Graph graph = GraphWalker.walk(src, roots);
        requireComplete(graph);

        // Referrers of everything copied, recursively.
        Map<Digest, List<Descriptor>> referrersOf = new LinkedHashMap<>();
        List<Descriptor> referrers = new ArrayList<>();
        if (options.referrers()) {
            ReferrerIndex lookup = ReferrerIndex.build(src, false);
            // (referrers of an unfiltered index describe another digest than the filtered one: not copied)
            Deque<Digest> todo = new ArrayDeque<>(graph.nodes().keySet());
            Set<Digest> seen = new LinkedHashSet<>(todo);
            while (!todo.isEmpty()) {
                Digest subject = todo.poll();
                for (Referrer r : lookup.referrers(subject, null)) {
                    referrersOf.computeIfAbsent(subject, k -> new ArrayList<>()).add(r.descriptor());
                    if (seen.add(r.descriptor().digest())) {
                        referrers.add(r.descriptor());
                        todo.add(r.descriptor().digest());
                    }
                }
            }
            if (!referrers.isEmpty()) {
                graph = GraphWalker.extend(src, graph, referrers);
                requireComplete(graph);
            }
        }

        // Blobs, leaves first.
        int linked = 0;
        int copied = 0;
        int skipped = 0;
        long bytes = 0;
        List<Graph.Node> nodes = new ArrayList<>(graph.nodes().values());
        java.util.Collections.reverse(nodes);
        for (Graph.Node n : nodes) {
            if (n.presence() != Graph.Presence.PRESENT) {
                continue; // foreign layers and inline data are not stored
            }
            Descriptor d = Descriptor.of(n.descriptor().mediaType(), n.digest(), n.descriptor().size());
            if (dst.blobs().exists(d.digest())) {
                skipped++;
            } else if (options.link() && dst.blobs().linkFrom(src.blobs().path(d.digest()), d)) {
                linked++;
            } else {
                try (InputStream in = src.blobs().open(d.digest())) {
                    dst.blobs().put(in, d, progress);
                }
                copied++;
                bytes += d.size();
            }
        }
        if (filtered) {
            dst.blobs().put(filteredIndex, root.mediaType());
        }

        // One index.json update, after every blob is in place.
        List<Descriptor> closure = new ArrayList<>();
        nodes.stream().filter(n -> n.presence() == Graph.Presence.PRESENT)
                .forEach(n -> closure.add(Descriptor.of(n.descriptor().mediaType(), n.digest(), n.descriptor().size())));
        Descriptor recorded = top;
        ReferrerStrategy strategy = referrers.isEmpty() ? null
                : options.strategy() != null ? options.strategy() : Referrers.choose(dst, null, false);
        dst.index().update(index -> {
            dst.blobs().requirePresent(closure);
            ImageIndex next = tag != null ? Tags.tag(index, tag, recorded) : Tags.addUntagged(index, recorded);
            for (Map.Entry<Digest, List<Descriptor>> e : referrersOf.entrySet()) {
                next = strategy.addAll(dst, next, e.getKey(), e.getValue());
            }
            return next;
        });
        return new Report(recorded, filtered, closure.size() + (filtered ? 1 : 0), linked, copied, skipped, bytes,
                List.copyOf(referrers));
    }

    private static void requireComplete(Graph graph) throws NotFoundException {
        for (Graph.Problem p : graph.problems()) {
            throw new NotFoundException("cannot copy: " + p.message() + "; nothing was tagged");
        }
    }

    /** os/arch must match; the variant too when the wanted platform names one. */
    static boolean matches(Platform wanted, Platform actual) {
        return wanted.os().equals(actual.os()) && wanted.architecture().equals(actual.architecture())
                && (wanted.variant() == null || Objects.equals(wanted.variant(), actual.variant()));
    }
}
