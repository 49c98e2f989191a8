package dev.ocilayout.copy;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.referrers.Referrer;
import dev.ocilayout.referrers.ReferrerIndex;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a root needs, for copy and export: its graph (all of it present, else an error before
 * anything is written), optionally narrowed to some platforms of an index (a new index), and optionally
 * every referrer of it, recursively.
 *
 * @param top        the root as it is transferred (a new index when filtered)
 * @param topBytes   the bytes of a new filtered index, or null
 * @param blobs      every stored blob to transfer, leaves first
 * @param referrersOf referrers by subject, in response form
 */
public record Closure(Descriptor top, byte[] topBytes, List<Descriptor> blobs, Map<Digest, List<Descriptor>> referrersOf) {

    public boolean filtered() {
        return topBytes != null;
    }

    /** All referrers, each once. */
    public List<Descriptor> referrers() {
        Map<Digest, Descriptor> all = new LinkedHashMap<>();
        referrersOf.values().forEach(list -> list.forEach(d -> all.putIfAbsent(d.digest(), d)));
        return List.copyOf(all.values());
    }

    public static Closure of(Layout src, Descriptor root, boolean withReferrers, List<Platform> platforms)
            throws IOException {
        Descriptor top = root;
        byte[] topBytes = null;
        List<Descriptor> roots = List.of(root);
        if (!platforms.isEmpty() && MediaType.isIndex(root.mediaType())) {
            ImageIndex index = (ImageIndex) src.readManifest(root);
            List<Descriptor> kept = index.manifests().stream()
                    .filter(d -> d.platform() != null && platforms.stream().anyMatch(p -> matches(p, d.platform())))
                    .toList();
            if (kept.isEmpty()) {
                throw new NotFoundException(root.digest() + " lists no manifest for " + platforms);
            }
            if (kept.size() != index.manifests().size()) {
                topBytes = ModelJson.toBytes(index.withManifests(kept), false);
                top = Descriptor.of(root.mediaType(), Digest.sha256(topBytes), topBytes.length);
                roots = kept;
            }
        }
        Graph graph = GraphWalker.walk(src, roots);
        requireComplete(graph);
        Map<Digest, List<Descriptor>> referrersOf = new LinkedHashMap<>();
        if (withReferrers) {
            // (referrers of an unfiltered index describe another digest than the filtered one: not included)
            ReferrerIndex lookup = ReferrerIndex.build(src, false);
            Deque<Digest> todo = new ArrayDeque<>(graph.nodes().keySet());
            Set<Digest> seen = new LinkedHashSet<>(todo);
            List<Descriptor> found = new ArrayList<>();
            while (!todo.isEmpty()) {
                Digest subject = todo.poll();
                for (Referrer r : lookup.referrers(subject, null)) {
                    referrersOf.computeIfAbsent(subject, k -> new ArrayList<>()).add(r.descriptor());
                    if (seen.add(r.descriptor().digest())) {
                        found.add(r.descriptor());
                        todo.add(r.descriptor().digest());
                    }
                }
            }
            if (!found.isEmpty()) {
                graph = GraphWalker.extend(src, graph, found);
                requireComplete(graph);
            }
        }
        List<Descriptor> blobs = new ArrayList<>();
        for (Graph.Node n : graph.nodes().values()) {
            if (n.presence() == Graph.Presence.PRESENT) { // foreign layers and inline data are not stored
                blobs.add(Descriptor.of(n.descriptor().mediaType(), n.digest(), n.descriptor().size()));
            }
        }
        Collections.reverse(blobs);
        return new Closure(top, topBytes, List.copyOf(blobs), referrersOf);
    }

    private static void requireComplete(Graph graph) throws NotFoundException {
        for (Graph.Problem p : graph.problems()) {
            throw new NotFoundException("cannot transfer: " + p.message() + "; nothing was tagged");
        }
    }

    /** os/arch must match; the variant too when the wanted platform names one. */
    public static boolean matches(Platform wanted, Platform actual) {
        return wanted.os().equals(actual.os()) && wanted.architecture().equals(actual.architecture())
                && (wanted.variant() == null || Objects.equals(wanted.variant(), actual.variant()));
    }
}
