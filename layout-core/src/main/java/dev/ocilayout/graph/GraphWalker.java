package dev.ocilayout.graph;

import dev.ocilayout.Layout;
import dev.ocilayout.content.BlobSource;
import dev.ocilayout.content.ManifestSource;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.graph.Graph.Kind;
import dev.ocilayout.graph.Graph.Node;
import dev.ocilayout.graph.Graph.Presence;
import dev.ocilayout.graph.Graph.Problem;
import dev.ocilayout.graph.Graph.ProblemCode;
import dev.ocilayout.io.Parallel;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Manifest;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.store.BlobStore;
import java.io.IOException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one graph walk every feature shares. Children of a node:
 * <ul>
 *   <li>an image manifest (OCI or Docker v2 schema 2): its config and layers; {@code subject} is a weak
 *       edge, recorded apart and not followed;</li>
 *   <li>an index (OCI index or Docker manifest list): every entry of {@code manifests}, whatever its media
 *       type (BuildKit's cache lists layers there);</li>
 *   <li>anything else: a leaf blob; unknown media types are never errors.</li>
 * </ul>
 * The walk is iterative (indexes nested to any depth cannot overflow the stack), visits each digest
 * once, reads each manifest once (bounded and verified), and turns a missing blob, an unparsable manifest
 * or a cycle into a {@link Problem} with the path that led to it, never an exception.
 */
public final class GraphWalker {
    /** Where the walk finds what is stored: a layout's blob store, or the roles of any other source. */
    private interface Storage {
        /** The stored size under the descriptor's digest, -1 when nothing usable is there (a problem says why). */
        long storedSize(Descriptor d, List<Digest> path, List<Problem> problems) throws IOException;

        /** The manifest's exact bytes, verified. */
        byte[] read(Descriptor d) throws IOException;
    }

    private final Storage storage;
    /** Set when walking a layout: its blobs are looked up and read ahead on every core. */
    private final Layout layout;
    private final BlobStore.Lookup blobs;
    private final Map<Digest, Node> nodes = new LinkedHashMap<>();
    private final Map<Digest, Integer> refCounts = new HashMap<>();
    private final List<Problem> problems = new ArrayList<>();
    private final List<Problem> unreadable = new ArrayList<>();
    private final Map<Digest, List<Digest>> referrers = new LinkedHashMap<>();
    private final Set<Digest> expanded = new HashSet<>();
    /** Root manifests read, verified and parsed ahead on every core; each is used once by the walk. */
    private final Map<Digest, Ahead> parsedAhead = new HashMap<>();
    /** What is stored under the digests of those roots and their children, looked up ahead with them. */
    private final Map<Digest, Optional<BasicFileAttributes>> statted = new HashMap<>();

    /** A root manifest as read ahead, with the descriptor it was parsed against. */
    private record Ahead(Descriptor descriptor, Manifest manifest, Map<Digest, Optional<BasicFileAttributes>> stored) {
    }

    private GraphWalker(Layout layout, BlobStore.Lookup blobs) {
        this.layout = layout;
        this.blobs = blobs;
        this.storage = new LayoutStorage();
    }

    private GraphWalker(ManifestSource manifests, BlobSource blobSource) {
        this.layout = null;
        this.blobs = null;
        this.storage = new Storage() {
            @Override
            public long storedSize(Descriptor d, List<Digest> path, List<Problem> problems) throws IOException {
                return blobSource.exists(d) ? d.size() : -1;
            }

            @Override
            public byte[] read(Descriptor d) throws IOException {
                return manifests.fetchManifest(d).bytes();
            }
        };
    }

    /**
     * Walks from the given roots in any source (a registry repository, an archive read in place): the same
     * walk, with what is stored asked of the source's roles.
     */
    public static <S extends ManifestSource & BlobSource> Graph walk(S source, List<Descriptor> roots) throws IOException {
        GraphWalker w = new GraphWalker(source, source);
        for (Descriptor root : roots) {
            w.walkFrom(root);
        }
        return w.finish(roots);
    }

    /** Walks from every entry of the layout's {@code index.json}. */
    public static Graph walk(Layout layout) throws IOException {
        return walk(layout, layout.index().read().manifests());
    }

    /** Walks from the given roots. */
    public static Graph walk(Layout layout, List<Descriptor> roots) throws IOException {
        try (BlobStore.Lookup blobs = layout.blobs().lookup()) {
            GraphWalker w = new GraphWalker(layout, blobs);
            w.prefetch(roots);
            for (Descriptor root : roots) {
                w.walkFrom(root);
            }
            return w.finish(roots);
        }
    }

    /** Walks more roots into an existing graph (gc adds referrers found among unreachable blobs). */
    public static Graph extend(Layout layout, Graph graph, List<Descriptor> moreRoots) throws IOException {
        try (BlobStore.Lookup blobs = layout.blobs().lookup()) {
            return extend(layout, blobs, graph, moreRoots);
        }
    }

    private static Graph extend(Layout layout, BlobStore.Lookup blobs, Graph graph, List<Descriptor> moreRoots)
            throws IOException {
        GraphWalker w = new GraphWalker(layout, blobs);
        w.nodes.putAll(graph.nodes());
        graph.nodes().forEach((d, n) -> w.refCounts.put(d, n.references()));
        w.problems.addAll(graph.problems());
        w.unreadable.addAll(graph.unreadable());
        graph.subjects().forEach(s -> w.referrers.put(s, new ArrayList<>(graph.referrersOf(s))));
        graph.nodes().forEach((d, n) -> {
            if (n.manifest() != null || n.kind() == Kind.BLOB) {
                w.expanded.add(d);
            }
        });
        for (Descriptor root : moreRoots) {
            w.walkFrom(root);
        }
        List<Descriptor> all = new ArrayList<>(graph.roots());
        all.addAll(moreRoots);
        return w.finish(all);
    }

    /**
     * Reads, verifies and parses the manifests among many roots on every core before the walk, and looks
     * up what is stored for them and their children: a layout with thousands of tagged images is mostly
     * that work, and the walk itself then only joins the pieces. Failures are left for the walk to meet and
     * report.
     */
    private void prefetch(List<Descriptor> roots) throws IOException {
        if (roots.size() < PREFETCH_MIN) {
            return;
        }
        Set<Digest> seen = new HashSet<>();
        List<Descriptor> manifests = new ArrayList<>();
        for (Descriptor d : roots) {
            if (MediaType.isManifestOrIndex(d.mediaType()) && d.data() == null && seen.add(d.digest())) {
                manifests.add(d);
            }
        }
        List<Ahead> ahead = Parallel.map(manifests, Runtime.getRuntime().availableProcessors(), d -> {
            try {
                BasicFileAttributes self = blobs.attributes(d.digest());
                Manifest m = parse(blobs.read(d, layout.options().maxManifestBytes(), self), d);
                Map<Digest, Optional<BasicFileAttributes>> stored = new HashMap<>();
                stored.put(d.digest(), Optional.of(self));
                for (Descriptor c : m.children()) {
                    stored.put(c.digest(), Optional.ofNullable(blobs.attributes(c.digest())));
                }
                return new Ahead(d, m, stored);
            } catch (IOException e) {
                return null;
            }
        });
        for (Ahead a : ahead) {
            if (a != null) {
                parsedAhead.put(a.descriptor().digest(), a);
                statted.putAll(a.stored());
            }
        }
    }

    private static final int PREFETCH_MIN = 64;

    private Graph finish(List<Descriptor> roots) {
        Map<Digest, Node> counted = new LinkedHashMap<>();
        nodes.forEach((d, n) -> counted.put(d, new Node(n.digest(), n.descriptor(), n.kind(), n.presence(),
                n.storedSize(), n.manifest(), n.children(), n.subject(), refCounts.getOrDefault(d, 0))));
        return new Graph(roots, counted, problems, unreadable, referrers);
    }

    /** One level of the depth-first walk: a node and the next child to visit. */
    private record Frame(Digest digest, List<Descriptor> children, int[] next) {
    }

    private void walkFrom(Descriptor root) throws IOException {
        Deque<Frame> stack = new ArrayDeque<>();
        Set<Digest> onStack = new HashSet<>();
        Frame first = visit(root, stack);
        if (first != null) {
            stack.push(first);
            onStack.add(first.digest());
        }
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            if (top.next()[0] >= top.children().size()) {
                stack.pop();
                onStack.remove(top.digest());
                continue;
            }
            Descriptor child = top.children().get(top.next()[0]++);
            if (onStack.contains(child.digest())) {
                count(child.digest());
                List<Digest> path = path(stack);
                path.add(child.digest());
                problems.add(new Problem(ProblemCode.CYCLE, child.digest(), path,
                        "cycle: " + child.digest() + " is its own descendant"));
                continue;
            }
            Frame f = visit(child, stack);
            if (f != null) {
                stack.push(f);
                onStack.add(f.digest());
            }
        }
    }

    /** Records a node; returns a frame when it has children still to walk. */
    private Frame visit(Descriptor d, Deque<Frame> stack) throws IOException {
        count(d.digest());
        Node known = nodes.get(d.digest());
        boolean wantsParse = MediaType.isManifestOrIndex(d.mediaType()) || isOrasArtifact(d.mediaType());
        if (known != null && (expanded.contains(d.digest()) || !wantsParse)) {
            return null;
        }
        List<Digest> path = path(stack);
        path.add(d.digest());
        int problemsBefore = problems.size();
        long stored = storage.storedSize(d, path, problems);
        Presence presence = stored >= 0 ? Presence.PRESENT
                : !d.urls().isEmpty() ? Presence.FOREIGN : d.data() != null ? Presence.INLINE : Presence.MISSING;
        if (presence == Presence.MISSING && known == null) {
            problems.add(new Problem(ProblemCode.MISSING_BLOB, d.digest(), path,
                    "missing blob " + d.digest() + " (" + d.mediaType() + ")"));
        }
        if (presence == Presence.PRESENT && stored != d.size() && known == null) {
            problems.add(new Problem(ProblemCode.SIZE_MISMATCH, d.digest(), path, "blob " + d.digest() + " is "
                    + stored + " bytes but its descriptor says " + d.size()));
        }
        Manifest manifest = wantsParse ? read(d, presence, path) : null;
        if (wantsParse && manifest == null) {
            unreadable.add(whyUnread(d, presence, path, problemsBefore));
        }
        Kind kind = manifest == null ? (known != null ? known.kind() : kindOf(d))
                : manifest instanceof dev.ocilayout.model.ImageIndex ? Kind.INDEX : Kind.MANIFEST;
        List<Descriptor> children = manifest == null ? List.of() : manifest.children();
        Descriptor subject = manifest == null ? null : manifest.subject();
        nodes.put(d.digest(), new Node(d.digest(), known != null ? known.descriptor() : d, kind, presence, stored,
                manifest, children, subject, 0));
        if (wantsParse) {
            expanded.add(d.digest());
        }
        if (subject != null) {
            referrers.computeIfAbsent(subject.digest(), k -> new ArrayList<>()).add(d.digest());
        }
        return children.isEmpty() ? null : new Frame(d.digest(), children, new int[] {0});
    }

    private Manifest read(Descriptor d, Presence presence, List<Digest> path) throws IOException {
        if (presence != Presence.PRESENT && presence != Presence.INLINE) {
            return null;
        }
        try {
            byte[] bytes;
            if (presence == Presence.INLINE) {
                bytes = d.decodedData();
                if (bytes.length != d.size() || !Digest.sha256(bytes).equals(d.digest())) {
                    problems.add(new Problem(ProblemCode.DIGEST_MISMATCH, d.digest(), path,
                            "embedded data of " + d.digest() + " does not match its digest and size"));
                    return null;
                }
            } else {
                Ahead ready = parsedAhead.remove(d.digest());
                if (ready != null && Objects.equals(ready.descriptor().mediaType(), d.mediaType())) {
                    return ready.manifest();
                }
                bytes = storage.read(d);
            }
            return parse(bytes, d);
        } catch (IntegrityException e) {
            problems.add(new Problem(ProblemCode.DIGEST_MISMATCH, d.digest(), path, e.getMessage()));
        } catch (InvalidContentException e) {
            ProblemCode code = e.getMessage().contains("over the limit") ? ProblemCode.OVERSIZED_MANIFEST
                    : ProblemCode.UNPARSABLE_MANIFEST;
            problems.add(new Problem(code, d.digest(), path, e.getMessage()));
        }
        return null;
    }

    /** The problem that kept a manifest from being read: the first one met at it, else its presence. */
    private Problem whyUnread(Descriptor d, Presence presence, List<Digest> path, int problemsBefore) {
        for (int i = problemsBefore; i < problems.size(); i++) {
            if (problems.get(i).digest().equals(d.digest())) {
                return problems.get(i);
            }
        }
        String what = MediaType.shortName(d.mediaType()) + " " + d.digest();
        return presence == Presence.FOREIGN
                ? new Problem(ProblemCode.MISSING_BLOB, d.digest(), path, what + " is not stored here (only at its urls)")
                : new Problem(ProblemCode.MISSING_BLOB, d.digest(), path, "missing blob " + d.digest()
                        + " (" + d.mediaType() + ")");
    }

    private static Manifest parse(byte[] bytes, Descriptor d) throws InvalidContentException {
        return ModelJson.parseManifest(bytes, d.mediaType(), "manifest " + d.digest());
    }

    /** A layout's blob store, with what was looked up ahead used first. */
    private final class LayoutStorage implements Storage {
        @Override
        public long storedSize(Descriptor d, List<Digest> path, List<Problem> problems) throws IOException {
            Optional<BasicFileAttributes> ahead = statted.remove(d.digest());
            BasicFileAttributes a = ahead != null ? ahead.orElse(null) : blobs.attributes(d.digest());
            if (a == null) {
                return -1;
            }
            if (a.isRegularFile()) {
                return a.size();
            }
            problems.add(new Problem(ProblemCode.NOT_A_REGULAR_FILE, d.digest(), path,
                    layout.root().relativize(layout.blobs().path(d.digest())) + " is not a regular file"
                            + (a.isSymbolicLink() ? " (a symbolic link, never followed)" : "")));
            return -1;
        }

        @Override
        public byte[] read(Descriptor d) throws IOException {
            return blobs.read(d, layout.options().maxManifestBytes());
        }
    }

    private void count(Digest d) {
        refCounts.merge(d, 1, Integer::sum);
    }

    private static List<Digest> path(Deque<Frame> stack) {
        List<Digest> path = new ArrayList<>(stack.size() + 1);
        var it = stack.descendingIterator();
        while (it.hasNext()) {
            path.add(it.next().digest());
        }
        return path;
    }

    private static Kind kindOf(Descriptor d) {
        return MediaType.isIndex(d.mediaType()) ? Kind.INDEX
                : MediaType.isImageManifest(d.mediaType()) || isOrasArtifact(d.mediaType()) ? Kind.MANIFEST : Kind.BLOB;
    }

    private static boolean isOrasArtifact(String mediaType) {
        return MediaType.ORAS_ARTIFACT_MANIFEST.equals(mediaType);
    }
}
