package dev.ocilayout.graph;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.content.BlobSource;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A layout (or one root) as a tree for people: each {@code index.json} entry once with all its tags,
 * children under their parents, referrers under their subjects. A manifest already shown is not expanded
 * again ({@link Item#repeated()}), so 10,000 manifests sharing a base stay readable; content referenced
 * from several places is marked {@link Item#shared()} and counted once in the {@link Summary}.
 */
public final class TreeView {
    /** How an item relates to its parent. */
    public enum Role { ENTRY, CONFIG, LAYER, MANIFEST, REFERRER }

    /**
     * One line of the tree.
     *
     * @param descriptor the descriptor that points here (from the parent, or the {@code index.json} entry)
     * @param tags       tags naming this content (for entries)
     * @param presence   whether its content is available
     * @param shared     referenced from more than one place in the layout
     * @param repeated   a manifest already expanded above; its children are not repeated
     * @param truncated  children exist but lie beyond the depth limit
     * @param artifactType the artifact type (descriptor's, else the manifest's), or null
     * @param platform   the descriptor's platform, else, for an image, its config's os and architecture; or null
     */
    public record Item(Role role, Descriptor descriptor, List<String> tags, Graph.Presence presence, boolean shared,
                       boolean repeated, boolean truncated, String artifactType, Platform platform, List<Item> children) {
    }

    /**
     * Totals over the distinct content shown.
     *
     * @param sharedBytes   bytes of content referenced from more than one place, counted once
     * @param missing       content that should be in {@code blobs/} but is not
     * @param dangling      referrers whose subject is not in the layout
     */
    public record Summary(int manifests, int blobs, long totalBytes, long sharedBytes, int missing, int dangling) {
    }

    /**
     * The tree.
     *
     * @param depthLimited some content lies deeper than {@link #MAX_DEPTH} levels and is shown truncated
     */
    public record Tree(List<Item> roots, Summary summary, List<Graph.Problem> problems, boolean depthLimited) {
    }

    /**
     * The deepest level ever shown. Real images nest two or three levels; a chain of thousands of indexes
     * (reliability.md section 5) is walked, verified and collected like any other, but shown only this deep,
     * so that neither the text nor the JSON form of the tree grows without bound (jq 1.6 stops parsing at about
     * 90 levels of objects in arrays).
     */
    public static final int MAX_DEPTH = 64;

    /** Configs larger than this are not read for a platform: an image config is a few KiB. */
    private static final long MAX_CONFIG_READ = 1 << 20;

    private final Graph graph;
    private final BlobSource configs;
    private final int maxDepth;
    private final Set<Digest> expanded = new HashSet<>();
    private boolean depthLimited;

    private TreeView(Graph graph, BlobSource configs, int maxDepth) {
        this.graph = graph;
        this.configs = configs;
        this.maxDepth = maxDepth < 0 ? MAX_DEPTH : Math.min(maxDepth, MAX_DEPTH);
    }

    /**
     * Builds the tree of a walked graph.
     *
     * @param entries  the {@code index.json} entries (or the one root) to show, tags taken from their ref.name
     * @param maxDepth levels shown below the entries; negative for all (up to {@link #MAX_DEPTH})
     */
    public static Tree build(Graph graph, List<Descriptor> entries, int maxDepth) {
        return build(graph, entries, maxDepth, null);
    }

    /**
     * Builds the tree, reading the config of an image whose descriptor names no platform (a single-platform
     * image, tagged directly) for its os and architecture.
     *
     * @param configs where the graph's blobs are, or null to show only descriptors' platforms
     */
    public static Tree build(Graph graph, List<Descriptor> entries, int maxDepth, BlobSource configs) {
        return new TreeView(graph, configs, maxDepth).render(entries);
    }

    private Tree render(List<Descriptor> entries) {
        Map<Digest, List<String>> tags = new LinkedHashMap<>();
        Map<Digest, Descriptor> first = new LinkedHashMap<>();
        for (Descriptor e : entries) {
            first.putIfAbsent(e.digest(), e);
            List<String> t = tags.computeIfAbsent(e.digest(), k -> new ArrayList<>());
            if (e.refName() != null) {
                t.add(e.refName());
            }
        }
        List<Item> roots = new ArrayList<>();
        for (Map.Entry<Digest, Descriptor> e : first.entrySet()) {
            Digest d = e.getKey();
            Graph.Node node = graph.node(d);
            boolean untaggedReferrer = tags.get(d).isEmpty() && node != null && node.subject() != null
                    && graph.node(node.subject().digest()) != null;
            if (untaggedReferrer) {
                continue; // shown under its subject
            }
            roots.add(item(Role.ENTRY, e.getValue(), tags.get(d), 0));
        }
        return new Tree(roots, summarize(), graph.problems(), depthLimited);
    }

    private Item item(Role role, Descriptor d, List<String> tags, int depth) {
        Graph.Node node = graph.node(d.digest());
        Graph.Presence presence = node == null ? Graph.Presence.MISSING : node.presence();
        boolean shared = node != null && node.references() > 1;
        String artifactType = d.artifactType() != null ? d.artifactType()
                : node != null && node.manifest() != null ? node.manifest().artifactType() : null;
        if (node == null || !node.isManifestLike()) {
            return new Item(role, d, tags, presence, shared, false, false, artifactType, d.platform(), List.of());
        }
        Platform platform = d.platform() != null ? d.platform() : platformOfConfig(node);
        List<Digest> referrers = graph.referrersOf(d.digest());
        boolean hasChildren = !node.children().isEmpty() || !referrers.isEmpty();
        if (expanded.contains(d.digest())) {
            return new Item(role, d, tags, presence, shared, hasChildren, false, artifactType, platform, List.of());
        }
        if (depth >= maxDepth) {
            depthLimited |= hasChildren && depth >= MAX_DEPTH;
            return new Item(role, d, tags, presence, shared, false, hasChildren, artifactType, platform, List.of());
        }
        expanded.add(d.digest());
        List<Item> children = new ArrayList<>();
        if (node.manifest() instanceof ImageManifest m) {
            if (m.config() != null) {
                children.add(item(Role.CONFIG, m.config(), List.of(), depth + 1));
            }
            for (Descriptor layer : m.layers()) {
                children.add(item(Role.LAYER, layer, List.of(), depth + 1));
            }
        } else {
            for (Descriptor child : node.children()) {
                children.add(item(Role.MANIFEST, child, List.of(), depth + 1));
            }
        }
        for (Digest r : referrers) {
            children.add(item(Role.REFERRER, graph.node(r).descriptor(), List.of(), depth + 1));
        }
        return new Item(role, d, tags, presence, shared, false, false, artifactType, platform, children);
    }

    /**
     * The os and architecture an image's config names, when it is an image config of a sensible size that can
     * be read and verified; else null (the tree is a view: what cannot be read is shown without a platform,
     * and fsck is where it is reported).
     */
    private Platform platformOfConfig(Graph.Node node) {
        if (configs == null || !(node.manifest() instanceof ImageManifest m) || m.config() == null
                || m.config().size() > MAX_CONFIG_READ || !(MediaType.OCI_CONFIG.equals(m.config().mediaType())
                || MediaType.DOCKER_CONFIG.equals(m.config().mediaType()))) {
            return null;
        }
        try (InputStream in = configs.fetch(m.config())) {
            JsonNode config = ModelJson.readTree(in.readAllBytes(), "config " + m.config().digest());
            JsonNode os = config.get("os");
            JsonNode architecture = config.get("architecture");
            JsonNode variant = config.get("variant");
            if (os == null || !os.isTextual() || architecture == null || !architecture.isTextual()) {
                return null;
            }
            return Platform.of(os.asText(), architecture.asText(), variant != null && variant.isTextual()
                    ? variant.asText() : null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private Summary summarize() {
        int manifests = 0;
        int blobs = 0;
        long total = 0;
        long shared = 0;
        int missing = 0;
        for (Graph.Node n : graph.nodes().values()) {
            if (n.isManifestLike()) {
                manifests++;
            } else {
                blobs++;
            }
            total += n.descriptor().size();
            if (n.references() > 1) {
                shared += n.descriptor().size();
            }
            if (n.presence() == Graph.Presence.MISSING) {
                missing++;
            }
        }
        int dangling = 0;
        for (Digest subject : graph.subjects()) {
            if (graph.node(subject) == null) {
                dangling += graph.referrersOf(subject).size();
            }
        }
        return new Summary(manifests, blobs, total, shared, missing, dangling);
    }
}
