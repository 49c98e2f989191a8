package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.content.BlobSource;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.graph.TreeView;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tree", mixinStandardHelpOptions = true,
        description = {"Show a layout (or one reference) as a tree: tags, manifests, configs, layers, and referrers"
                + " under their subjects, with sizes, platforms and artifact types.",
            "A manifest shown once is not expanded again ('see above'); content referenced from several places is"
                    + " marked 'shared' and counted once in the summary."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout tree ./layout", "  oci-layout tree ./layout:v1 --full-digests",
            "  oci-layout tree ./layout --depth 1", "  oci-layout tree ./layout --format json | jq .summary",
            "  oci-layout tree oci-archive:app.tar", "  oci-layout tree localhost:5000/team/app:v1 --plain-http"})
public final class TreeCommand extends LayoutCommand {
    @Parameters(arity = "0..1", paramLabel = "WHERE|REF", description = "A layout, an archive (read in place) or a"
            + " registry repository, or one reference in it: DIR:TAG, oci-archive:FILE:REF, REGISTRY/REPO:TAG, ..."
            + " (spec-notes/references.md).")
    String ref;

    @Option(names = "--depth", paramLabel = "N", description = "Levels to show below the roots (default: all).")
    int depth = -1;

    @Option(names = "--full-digests", description = "Show whole digests instead of the first 12 characters.")
    boolean fullDigests;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        Address a = ref == null ? Address.inLayout(layoutDir(null).toString(), null) : address(ref);
        List<Descriptor> entries = new ArrayList<>();
        Graph graph;
        BlobSource blobs;
        if (a.kind() == Address.Kind.LAYOUT) {
            Layout layout = open(Path.of(a.location()));
            blobs = new LayoutTarget(layout);
            if (a.isLocationOnly()) {
                entries.addAll(layout.index().read().manifests());
            } else {
                Descriptor root = new LayoutTarget(layout).resolve(a.reference());
                for (Descriptor e : layout.index().read().manifests()) {
                    if (e.digest().equals(root.digest())) {
                        entries.add(e);
                    }
                }
                if (entries.isEmpty()) {
                    entries.add(root);
                }
            }
            graph = GraphWalker.walk(layout, entries);
        } else {
            // an archive read in place or a registry repository: its tags (or the one named) as the roots
            ReadOnlyTarget target = read(a, registry);
            for (String tag : a.isLocationOnly() ? target.tags() : List.of(a.reference())) {
                Descriptor d = target.resolve(tag);
                entries.add(a.digest() != null ? d : d.withAnnotation(Annotations.REF_NAME, tag));
            }
            graph = GraphWalker.walk(target, entries);
            blobs = target;
        }
        TreeView.Tree tree = TreeView.build(graph, entries, depth, blobs);
        if (out().json()) {
            ObjectNode json = Output.object().put("layout", a.place().toString());
            ArrayNode roots = json.putArray("roots");
            tree.roots().forEach(i -> roots.add(toJson(i)));
            TreeView.Summary s = tree.summary();
            json.putObject("summary").put("manifests", s.manifests()).put("blobs", s.blobs())
                    .put("totalBytes", s.totalBytes()).put("sharedBytes", s.sharedBytes())
                    .put("missing", s.missing()).put("danglingReferrers", s.dangling());
            json.put("depthLimited", tree.depthLimited());
            ArrayNode problems = json.putArray("problems");
            for (Graph.Problem p : tree.problems()) {
                ArrayNode path = Output.object().arrayNode();
                p.path().forEach(d -> path.add(d.toString()));
                problems.addObject().put("code", p.code().name()).put("digest", p.digest().toString())
                        .put("message", p.message()).set("path", path);
            }
            out().json(json);
            return 0;
        }
        out().line(a.toString());
        for (int i = 0; i < tree.roots().size(); i++) {
            print(tree.roots().get(i), "", i == tree.roots().size() - 1);
        }
        TreeView.Summary s = tree.summary();
        out().line(String.format(Locale.ROOT, "%d manifest%s, %d blob%s, %s in all, %s shared; %d missing, %d dangling referrer%s",
                s.manifests(), s.manifests() == 1 ? "" : "s", s.blobs(), s.blobs() == 1 ? "" : "s",
                Output.humanSize(s.totalBytes()), Output.humanSize(s.sharedBytes()), s.missing(), s.dangling(),
                s.dangling() == 1 ? "" : "s"));
        if (tree.depthLimited()) {
            out().line("note: content nests deeper than " + TreeView.MAX_DEPTH + " levels and is shown to that depth");
        }
        for (Graph.Problem p : tree.problems()) {
            out().line("problem: " + p.message() + " (via " + via(p.path()) + ")");
        }
        return 0;
    }

    private void print(TreeView.Item item, String indent, boolean last) {
        out().line(indent + (last ? "└── " : "├── ") + label(item));
        String childIndent = indent + (last ? "    " : "│   ");
        for (int i = 0; i < item.children().size(); i++) {
            print(item.children().get(i), childIndent, i == item.children().size() - 1);
        }
    }

    private String label(TreeView.Item item) {
        Descriptor d = item.descriptor();
        StringBuilder sb = new StringBuilder();
        if (!item.tags().isEmpty()) {
            sb.append('[').append(String.join(", ", item.tags())).append("] ");
        } else if (item.role() != TreeView.Role.ENTRY) {
            sb.append(item.role().name().toLowerCase(Locale.ROOT)).append(' ');
        } else {
            sb.append("(untagged) ");
        }
        sb.append(MediaType.shortName(d.mediaType())).append(' ').append(digest(d.digest())).append(' ')
                .append(Output.humanSize(d.size()));
        if (item.platform() != null) {
            sb.append(' ').append(item.platform());
        }
        if (item.artifactType() != null) {
            sb.append(" artifactType=").append(item.artifactType());
        }
        String title = d.annotation(Annotations.TITLE);
        if (title != null) {
            sb.append(" \"").append(title).append('"');
        }
        List<String> marks = new ArrayList<>();
        if (item.shared()) {
            marks.add("shared");
        }
        switch (item.presence()) {
            case MISSING -> marks.add("MISSING");
            case FOREIGN -> marks.add("foreign, not stored");
            case INLINE -> marks.add("inline data");
            default -> { }
        }
        if (item.repeated()) {
            marks.add("see above");
        }
        if (item.truncated()) {
            marks.add("...");
        }
        if (!marks.isEmpty()) {
            sb.append(" (").append(String.join(", ", marks)).append(')');
        }
        return sb.toString();
    }

    private ObjectNode toJson(TreeView.Item item) {
        Descriptor d = item.descriptor();
        ObjectNode n = Output.object().put("role", item.role().name().toLowerCase(Locale.ROOT))
                .put("mediaType", d.mediaType()).put("digest", d.digest().toString()).put("size", d.size());
        if (!item.tags().isEmpty()) {
            ArrayNode tags = n.putArray("tags");
            item.tags().forEach(tags::add);
        }
        if (item.platform() != null) {
            n.put("platform", item.platform().toString());
        }
        if (item.artifactType() != null) {
            n.put("artifactType", item.artifactType());
        }
        if (d.annotation(Annotations.TITLE) != null) {
            n.put("title", d.annotation(Annotations.TITLE));
        }
        n.put("presence", item.presence().name().toLowerCase(Locale.ROOT));
        n.put("shared", item.shared());
        if (item.repeated()) {
            n.put("repeated", true);
        }
        if (item.truncated()) {
            n.put("truncated", true);
        }
        if (!item.children().isEmpty()) {
            ArrayNode children = n.putArray("children");
            item.children().forEach(c -> children.add(toJson(c)));
        }
        return n;
    }

    private String digest(Digest d) {
        return fullDigests ? d.toString() : d.algorithm() + ":" + d.shortForm();
    }

    private String via(List<Digest> path) {
        List<String> parts = new ArrayList<>();
        path.forEach(d -> parts.add(digest(d)));
        return String.join(" > ", parts);
    }
}
