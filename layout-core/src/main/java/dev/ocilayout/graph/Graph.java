package dev.ocilayout.graph;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Manifest;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The content graph of a layout as one walk found it: every node reachable from the roots, its children,
 * its weak {@code subject} edge, and every problem met on the way, each with the path that led to it.
 * Built by {@link GraphWalker}; shared by tree, gc, fsck and everything after them.
 */
public final class Graph {
    /** What a node is, by the media type it was reached with and what its content turned out to be. */
    public enum Kind { INDEX, MANIFEST, BLOB }

    /** Whether a node's content is available. */
    public enum Presence {
        /** A regular file under {@code blobs/}. */
        PRESENT,
        /** Absent, and nothing says where else it is. */
        MISSING,
        /** Absent, but the descriptor has {@code urls} (a foreign layer, not expected locally). */
        FOREIGN,
        /** Absent as a file, but embedded in the descriptor's {@code data}. */
        INLINE
    }

    /**
     * A node: one digest.
     *
     * @param descriptor the first descriptor that reached it
     * @param storedSize size of the file under {@code blobs/}, or -1 when there is none
     * @param manifest   the parsed document for manifests and indexes whose content could be read, else null
     * @param children   config and layers, or index entries; empty for blobs
     * @param subject    the weak {@code subject} edge, or null
     * @param references how many descriptors point at this digest (shared content has more than one)
     */
    public record Node(Digest digest, Descriptor descriptor, Kind kind, Presence presence, long storedSize,
                       Manifest manifest, List<Descriptor> children, Descriptor subject, int references) {
        public boolean isManifestLike() {
            return kind != Kind.BLOB;
        }
    }

    /** Kinds of problems a walk can meet. */
    public enum ProblemCode {
        MISSING_BLOB, SIZE_MISMATCH, DIGEST_MISMATCH, UNPARSABLE_MANIFEST, OVERSIZED_MANIFEST, CYCLE, NOT_A_REGULAR_FILE
    }

    /**
     * A problem, with the path of digests from a root to where it was found.
     */
    public record Problem(ProblemCode code, Digest digest, List<Digest> path, String message) {
        public Problem {
            path = List.copyOf(path);
        }
    }

    private final List<Descriptor> roots;
    private final Map<Digest, Node> nodes;
    private final List<Problem> problems;
    private final List<Problem> unreadable;
    private final Map<Digest, List<Digest>> referrers;

    Graph(List<Descriptor> roots, Map<Digest, Node> nodes, List<Problem> problems, List<Problem> unreadable,
          Map<Digest, List<Digest>> referrers) {
        this.roots = List.copyOf(roots);
        this.nodes = Collections.unmodifiableMap(nodes);
        this.problems = List.copyOf(problems);
        this.unreadable = List.copyOf(unreadable);
        this.referrers = Collections.unmodifiableMap(referrers);
    }

    /** The descriptors the walk started from, in order. */
    public List<Descriptor> roots() {
        return roots;
    }

    /** Every reachable node, in the order the walk first met it. */
    public Map<Digest, Node> nodes() {
        return nodes;
    }

    public Node node(Digest d) {
        return nodes.get(d);
    }

    public Set<Digest> reachable() {
        return nodes.keySet();
    }

    public List<Problem> problems() {
        return problems;
    }

    /**
     * The reached manifests and indexes whose content could not be read and parsed (missing, not a regular
     * file, a size or digest that does not match, over the size cap, not valid JSON of their media type),
     * one problem each, first met first. What they reference is unknown, so work that deletes or rewrites
     * must not go on while this is not empty ({@link FailClosed}).
     */
    public List<Problem> unreadable() {
        return unreadable;
    }

    /** Walked manifests whose {@code subject} is {@code subject}, in the order met. */
    public List<Digest> referrersOf(Digest subject) {
        return referrers.getOrDefault(subject, List.of());
    }

    /** Subjects that have walked referrers. */
    public Set<Digest> subjects() {
        return referrers.keySet();
    }
}
