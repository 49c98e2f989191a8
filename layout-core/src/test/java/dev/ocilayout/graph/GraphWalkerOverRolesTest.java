package dev.ocilayout.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.graph.Graph.Presence;
import dev.ocilayout.graph.Graph.ProblemCode;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageManifest;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one walk, over the roles of any source instead of a layout's blob store: the same graph. */
class GraphWalkerOverRolesTest {
    @TempDir
    Path tmp;

    @Test
    void aSourceSeenThroughItsRolesGivesTheGraphItsLayoutGives() throws IOException {
        Layout layout = Layout.open(TestData.copy("seed-shapes", tmp.resolve("seeds")));
        List<Descriptor> roots = layout.index().read().manifests();
        Graph direct = GraphWalker.walk(layout, roots);
        Graph viaRoles = GraphWalker.walk(new LayoutTarget(layout), roots);
        assertEquals(direct.nodes().keySet(), viaRoles.nodes().keySet());
        direct.nodes().forEach((d, n) -> {
            assertEquals(n.kind(), viaRoles.node(d).kind(), d.toString());
            assertEquals(n.presence(), viaRoles.node(d).presence(), d.toString());
            assertEquals(n.references(), viaRoles.node(d).references(), d.toString());
        });
        assertEquals(direct.problems().stream().map(Graph.Problem::code).toList(),
                viaRoles.problems().stream().map(Graph.Problem::code).toList());
    }

    @Test
    void aBlobTheSourceLacksIsAMissingBlobWithItsPath() throws IOException {
        Layout layout = Layout.create(tmp.resolve("l"));
        LayoutBuilder b = new LayoutBuilder(layout);
        Descriptor image = b.image("a", "layer");
        Descriptor layer = ((ImageManifest) layout.readManifest(image)).layers().get(0);
        Files.delete(layout.blobs().path(layer.digest()));
        Graph g = GraphWalker.walk(new LayoutTarget(layout), List.of(image));
        assertEquals(Presence.MISSING, g.node(layer.digest()).presence());
        assertEquals(List.of(ProblemCode.MISSING_BLOB), g.problems().stream().map(Graph.Problem::code).toList());
        assertEquals(List.of(image.digest(), layer.digest()), g.problems().get(0).path());
    }

    @Test
    void aManifestThatDoesNotParseIsUnreadableNotAnException() throws IOException {
        Layout layout = Layout.create(tmp.resolve("l"));
        Descriptor junk = layout.blobs().put("{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}".getBytes(),
                "application/vnd.oci.image.index.v1+json");
        Graph g = GraphWalker.walk(new LayoutTarget(layout), List.of(junk));
        assertEquals(1, g.unreadable().size());
        assertTrue(g.unreadable().get(0).message().contains("ambiguous"), g.unreadable().get(0).message());
    }
}
