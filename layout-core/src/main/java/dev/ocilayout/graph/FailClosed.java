package dev.ocilayout.graph;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.UnreadableContentException;
import dev.ocilayout.model.Descriptor;
import java.io.IOException;
import java.util.List;

/**
 * The rule every command that deletes or rewrites follows: what cannot be read stops the work. A reached
 * manifest or index whose content cannot be read and parsed hides what it references, so gc would delete
 * its config and layers, and a rewrite of {@code index.json} would forget its referrers. Instead the
 * command stops with one line naming the object and the path from {@code index.json} to it, and changes
 * nothing (spec-notes/fail-closed.md).
 */
public final class FailClosed {
    private FailClosed() {
    }

    /** Walks {@code roots} and refuses {@code action} if anything they reach cannot be read. */
    public static Graph requireReadable(Layout layout, List<Descriptor> roots, String action) throws IOException {
        Graph graph = GraphWalker.walk(layout, roots);
        requireReadable(graph, action);
        return graph;
    }

    /**
     * Refuses {@code action} (a phrase such as "gc" or "untag v1") when the graph met a manifest or index it
     * could not read.
     *
     * @throws UnreadableContentException naming the first such object, its path and why
     */
    public static void requireReadable(Graph graph, String action) throws UnreadableContentException {
        if (graph.unreadable().isEmpty()) {
            return;
        }
        Graph.Problem first = graph.unreadable().get(0);
        int more = graph.unreadable().size() - 1;
        throw new UnreadableContentException(action + " refused: " + first.digest() + " at " + path(graph, first)
                + " cannot be read (" + first.message() + ")"
                + (more > 0 ? "; and " + more + " more unreadable manifest" + (more == 1 ? "" : "s") : "")
                + "; nothing was changed", first.digest());
    }

    /**
     * Where the object is, {@code index.json -> tag v1 -> sha256:…}: the root named by its tag where it has
     * one, then each parent down to the object's (the object itself is named before).
     */
    static String path(Graph graph, Graph.Problem p) {
        StringBuilder sb = new StringBuilder("index.json");
        List<Digest> path = p.path();
        for (int i = 0; i < Math.max(1, path.size() - 1); i++) {
            sb.append(" -> ");
            if (i == 0) {
                sb.append(rootName(graph, path.get(0)));
            } else {
                sb.append(path.get(i));
            }
        }
        return sb.toString();
    }

    private static String rootName(Graph graph, Digest root) {
        for (Descriptor d : graph.roots()) {
            if (d.digest().equals(root) && d.refName() != null) {
                return "tag " + d.refName();
            }
        }
        return root.toString();
    }
}
