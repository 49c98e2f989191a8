package dev.ocilayout.graph;

import dev.ocilayout.Layout;
import dev.ocilayout.content.ReferrerSource;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import dev.ocilayout.model.RawManifest;
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
 * Everything a root needs, for export: its graph (all of it present, else an error before anything is
 * written), optionally narrowed to some platforms of an index (a new index), and optionally every referrer
 * of it, recursively.
 *
 * @param top         the root as it is transferred (a new index when {@code filtered})
 * @param made        the new index a platform filter made, with its bytes; null when none was
 * @param blobs       every stored blob to transfer, leaves first
 * @param referrersOf referrers by subject, in response form
 */
public record Closure(Descriptor top, RawManifest made, List<Descriptor> blobs,
                      Map<Digest, List<Descriptor>> referrersOf) {

    public Closure {
        blobs = List.copyOf(blobs);
    }

    public boolean filtered() {
        return made != null;
    }

    /** All referrers, each once. */
    public List<Descriptor> referrers() {
        Map<Digest, Descriptor> all = new LinkedHashMap<>();
        referrersOf.values().forEach(list -> list.forEach(d -> all.putIfAbsent(d.digest(), d)));
        return List.copyOf(all.values());
    }

    /**
     * @param referrers where the referrers of what is walked are found, or null for none
     * @param platforms keep only these platforms of an index root (empty: all)
     */
    public static Closure of(Layout src, Descriptor root, ReferrerSource referrers, List<Platform> platforms)
            throws IOException {
        RawManifest made = null;
        if (!platforms.isEmpty() && MediaType.isIndex(root.mediaType())) {
            RawManifest fetched = RawManifest.of(root, src.readManifestBytes(root));
            RawManifest narrowed = narrow(fetched, platforms);
            made = narrowed != fetched ? narrowed : null;
        }
        List<Descriptor> roots = made != null ? ((ImageIndex) made.manifest()).manifests() : List.of(root);
        Graph graph = GraphWalker.walk(src, roots);
        requireComplete(graph);
        Map<Digest, List<Descriptor>> referrersOf = new LinkedHashMap<>();
        if (referrers != null) {
            // (referrers of an unfiltered index describe another digest than the filtered one: not included)
            Deque<Digest> todo = new ArrayDeque<>(graph.nodes().keySet());
            Set<Digest> seen = new LinkedHashSet<>(todo);
            List<Descriptor> found = new ArrayList<>();
            while (!todo.isEmpty()) {
                Digest subject = todo.poll();
                for (Descriptor r : referrers.referrers(subject, null)) {
                    referrersOf.computeIfAbsent(subject, k -> new ArrayList<>()).add(r);
                    if (seen.add(r.digest())) {
                        found.add(r);
                        todo.add(r.digest());
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
        return new Closure(made != null ? made.descriptor() : root, made, blobs, referrersOf);
    }

    /**
     * The index narrowed to the entries of these platforms: the same value when it is not an index, no
     * platform is asked for, or every entry matches; else a new index, written by this tool.
     *
     * @throws NotFoundException when no entry matches
     */
    public static RawManifest narrow(RawManifest index, List<Platform> platforms) throws NotFoundException,
            InvalidContentException {
        if (platforms.isEmpty() || !MediaType.isIndex(index.mediaType())) {
            return index;
        }
        ImageIndex parsed = ModelJson.parseIndex(index.bytes(), "index " + index.digest());
        List<Descriptor> kept = parsed.manifests().stream().filter(d -> d.platform() != null
                && platforms.stream().anyMatch(w -> matches(w, d.platform()))).toList();
        if (kept.isEmpty()) {
            throw new NotFoundException(index.digest() + " lists no manifest for " + platforms);
        }
        if (kept.size() == parsed.manifests().size()) {
            return index;
        }
        return RawManifest.made(index.mediaType(), ModelJson.toBytes(parsed.withManifests(kept), false));
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
