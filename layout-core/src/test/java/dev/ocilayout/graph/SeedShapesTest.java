package dev.ocilayout.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.gc.GarbageCollector;
import dev.ocilayout.graph.TreeView.Item;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.store.Tags;
import dev.ocilayout.testing.SeedShapes;
import dev.ocilayout.testing.TestData;
import dev.ocilayout.testing.TestFs;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every manifest shape of seeds 000, 001 and 004, as testdata/seed-shapes holds them: what tree, gc and
 * fsck report for each.
 */
class SeedShapesTest {
    static final GarbageCollector.Policy NOW = new GarbageCollector.Policy(false, Duration.ZERO, false);

    Layout layout;

    @BeforeEach
    void setUp() throws IOException {
        layout = Layout.open(TestData.copy("seed-shapes", TestFs.unixRoot().resolve("seed-shapes")));
    }

    /** Per tag: the roles of its children in the tree, and whether fsck finds it invalid. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("image", List.of("CONFIG", "LAYER", "REFERRER", "REFERRER", "REFERRER", "REFERRER",
                        "REFERRER", "REFERRER"), false),
                Arguments.of("artifact", List.of("CONFIG", "LAYER"), false),
                Arguments.of("artifact-no-config", List.of("LAYER"), true),
                Arguments.of("artifact-empty-layers", List.of("CONFIG"), false),
                Arguments.of("artifact-no-layers", List.of("CONFIG"), false),
                Arguments.of("artifact-no-subject", List.of("CONFIG", "LAYER"), false),
                Arguments.of("artifact-0-layer", List.of("CONFIG", "LAYER"), false),
                Arguments.of("artifact-scratch-layer", List.of("CONFIG", "LAYER"), false),
                Arguments.of("mixed-index", List.of("MANIFEST", "MANIFEST"), false),
                Arguments.of("cache", List.of("MANIFEST", "MANIFEST", "MANIFEST"), false));
    }

    /** Keeps only {@code tag} (and {@code image} when it is the subject), as if the layout held that shape alone. */
    Descriptor only(String tag) throws IOException {
        Descriptor d = layout.resolveTag(tag);
        Descriptor subject = layout.readManifest(d).subject();
        layout.index().update(i -> {
            ImageIndex next = i;
            for (String t : SeedShapes.TAGS) {
                boolean keep = t.equals(tag) || subject != null && t.equals("image");
                if (!keep) {
                    next = Tags.untag(next, t);
                }
            }
            return next;
        });
        return d;
    }

    Set<Digest> stored() throws IOException {
        return layout.blobs().scan().stream().filter(f -> f.isBlob()).map(f -> f.digest()).collect(Collectors.toSet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void treeGcAndFsckHandleEachShape(String tag, List<String> childRoles, boolean invalid) throws IOException {
        // tree, over the whole fixture: the shape's children, referrers under their subject
        Graph whole = GraphWalker.walk(layout);
        Descriptor d = layout.resolveTag(tag);
        TreeView.Tree tree = TreeView.build(whole, List.of(d), -1);
        assertEquals(childRoles, tree.roots().get(0).children().stream().map(i -> i.role().name()).toList(), tag);

        // gc, with only this shape tagged: what it reaches survives, and so do the referrers of a live
        // subject (the other seed variants, whose subject is "image"); everything else goes
        only(tag);
        Graph graph = GraphWalker.walk(layout, List.of(d));
        assertEquals(List.of(), graph.problems(), tag + " walks without problems");
        Set<Digest> expected = new HashSet<>(GraphWalker.walk(layout).reachable());
        Digest image = whole.node(whole.roots().get(0).digest()).digest();
        if (expected.contains(image)) {
            for (Digest referrer : whole.referrersOf(image)) {
                expected.addAll(GraphWalker.walk(layout, List.of(whole.node(referrer).descriptor())).reachable());
            }
        }
        GarbageCollector.Report r = GarbageCollector.run(layout, NOW);
        assertEquals(expected, stored(), tag + ": gc kept exactly what is reachable");
        assertTrue(r.problems().isEmpty());

        // fsck: clean, except the no-config variant, which the spec does not allow
        Fsck.Report f = Fsck.check(layout, 2, null);
        List<String> errors = f.findings().stream().filter(x -> x.severity() == Finding.Severity.ERROR)
                .map(Finding::code).toList();
        assertEquals(invalid ? List.of("MANIFEST_NO_CONFIG") : List.of(), errors, tag);
    }

    @Test
    void theWholeFixtureIsCleanButForTheNoConfigVariantAndGcKeepsEverything() throws IOException {
        Set<Digest> before = stored();
        Descriptor orphan = layout.blobs().put("orphan".getBytes(), MediaType.OCTET_STREAM);
        GarbageCollector.Report r = GarbageCollector.run(layout, NOW);
        assertEquals(List.of(orphan.digest()), r.removed().stream().map(GarbageCollector.Removal::digest).toList());
        assertEquals(before, stored());
        Fsck.Report f = Fsck.check(layout, 2, null);
        assertEquals(1, f.count(Finding.Severity.ERROR));
        assertEquals(11, f.manifests());
    }

    @Test
    void theNoConfigManifestKeepsItsLayerThroughGc() throws IOException {
        Descriptor noConfig = only("artifact-no-config");
        Descriptor layer = ((dev.ocilayout.model.ImageManifest) layout.readManifest(noConfig)).layers().get(0);
        GarbageCollector.run(layout, NOW);
        assertTrue(layout.blobs().exists(layer.digest()));
    }

    @Test
    void theMixedIndexListsDockerAndOciManifestsAndTheCacheListsLayers() throws IOException {
        Graph g = GraphWalker.walk(layout);
        Item mixed = TreeView.build(g, List.of(layout.resolveTag("mixed-index")), -1).roots().get(0);
        assertEquals(List.of(MediaType.OCI_MANIFEST, MediaType.DOCKER_MANIFEST),
                mixed.children().stream().map(i -> i.descriptor().mediaType()).toList());
        assertEquals(List.of("linux/amd64", "linux/arm/v7"),
                mixed.children().stream().map(i -> i.descriptor().platform().toString()).toList());
        Item cache = TreeView.build(g, List.of(layout.resolveTag("cache")), -1).roots().get(0);
        assertEquals(List.of(MediaType.DOCKER_LAYER, MediaType.DOCKER_LAYER, "application/vnd.buildkit.cacheconfig.v0"),
                cache.children().stream().map(i -> i.descriptor().mediaType()).toList());
        assertTrue(cache.children().stream().allMatch(i -> i.children().isEmpty()), "layers are leaves");
    }
}
