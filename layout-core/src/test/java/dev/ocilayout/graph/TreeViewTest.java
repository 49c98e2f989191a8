package dev.ocilayout.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.graph.TreeView.Item;
import dev.ocilayout.graph.TreeView.Role;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestFs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TreeViewTest {
    Layout layout;
    LayoutBuilder b;

    @BeforeEach
    void setUp() throws IOException {
        layout = Layout.create(TestFs.unixRoot().resolve("layout"));
        b = new LayoutBuilder(layout);
    }

    TreeView.Tree tree(int depth) throws IOException {
        List<Descriptor> entries = layout.index().read().manifests();
        return TreeView.build(GraphWalker.walk(layout, entries), entries, depth);
    }

    static int count(List<Item> items) {
        int n = 0;
        for (Item i : items) {
            n += 1 + count(i.children());
        }
        return n;
    }

    @Test
    void aSingleImageShowsThePlatformItsConfigNames() throws IOException {
        Descriptor config = b.blob("{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\","
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}", dev.ocilayout.model.MediaType.OCI_CONFIG);
        Descriptor image = b.manifest(config, null, null);
        b.tag("v1", image);
        List<Descriptor> entries = layout.index().read().manifests();
        TreeView.Tree tree = TreeView.build(GraphWalker.walk(layout, entries), entries, -1,
                new dev.ocilayout.copy.LayoutTarget(layout));
        assertEquals("linux/arm64/v8", tree.roots().get(0).platform().toString());
        assertEquals(null, tree(-1).roots().get(0).platform(), "without a blob source, only descriptors' platforms");
    }

    @Test
    void entriesOfOneDigestAreOneRootWithAllTheirTags() throws IOException {
        Descriptor m = b.image("a", "l");
        b.tag("v1", m);
        b.tag("latest", m);
        TreeView.Tree t = tree(-1);
        assertEquals(1, t.roots().size());
        assertEquals(List.of("v1", "latest"), t.roots().get(0).tags());
        assertEquals(List.of(Role.CONFIG, Role.LAYER), t.roots().get(0).children().stream().map(Item::role).toList());
    }

    @Test
    void untaggedReferrersAppearUnderTheirSubjectNotAtTheTop() throws IOException {
        Descriptor m = b.image("a", "l");
        b.tag("v1", m);
        Descriptor sbom = b.referrer(m, "application/spdx+json", "sbom");
        b.untagged(sbom);
        TreeView.Tree t = tree(-1);
        assertEquals(1, t.roots().size());
        Item referrer = t.roots().get(0).children().get(2);
        assertEquals(Role.REFERRER, referrer.role());
        assertEquals("application/spdx+json", referrer.artifactType());
        assertEquals(sbom.digest(), referrer.descriptor().digest());
    }

    @Test
    void aManifestShownOnceIsNotExpandedAgain() throws IOException {
        Descriptor base = b.image("base", "big layer");
        b.tag("a", b.index(base));
        b.tag("b", b.index(base, b.image("other", "o")));
        TreeView.Tree t = tree(-1);
        Item second = t.roots().get(1).children().get(0);
        assertTrue(second.repeated());
        assertTrue(second.shared());
        assertEquals(List.of(), second.children());
    }

    @Test
    void depthLimitsLevelsAndMarksWhatWasCut() throws IOException {
        b.tag("v1", b.index(b.index(b.image("deep", "l"))));
        TreeView.Tree t = tree(1);
        Item child = t.roots().get(0).children().get(0);
        assertTrue(child.truncated());
        assertEquals(List.of(), child.children());
    }

    @Test
    void theSummaryCountsSharedContentOnce() throws IOException {
        Descriptor m1 = b.image("one", "shared layer", "x");
        Descriptor m2 = b.image("two", "shared layer", "y");
        b.tag("one", m1);
        b.tag("two", m2);
        b.tag("missing", LayoutBuilder.absent(dev.ocilayout.model.MediaType.OCI_MANIFEST, 'a'));
        TreeView.Summary s = tree(-1).summary();
        assertEquals(3, s.manifests());
        assertEquals(5, s.blobs(), "2 configs, the shared layer once, x, y");
        assertEquals("shared layer".length(), s.sharedBytes());
        assertEquals(1, s.missing());
    }

    @Test
    void tenThousandManifestsOverOneBaseStayLinear() throws IOException {
        Descriptor config = b.blob("{}", "application/vnd.oci.image.config.v1+json");
        Descriptor base = b.blob("base layer", "application/vnd.oci.image.layer.v1.tar");
        List<Descriptor> entries = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            entries.add(b.manifest(config, null, null, base, b.blob("layer " + i, "application/vnd.oci.image.layer.v1.tar")));
        }
        b.tag("all", b.index(entries.toArray(Descriptor[]::new)));
        TreeView.Tree t = tree(-1);
        assertEquals(1 + 10_000 * 4, count(t.roots()));
        assertEquals(10_001, t.summary().manifests());
    }
}
