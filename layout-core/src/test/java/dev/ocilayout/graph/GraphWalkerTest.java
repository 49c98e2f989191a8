package dev.ocilayout.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.graph.Graph.Kind;
import dev.ocilayout.graph.Graph.Presence;
import dev.ocilayout.graph.Graph.ProblemCode;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GraphWalkerTest {
    Layout layout;
    LayoutBuilder b;

    @BeforeEach
    void setUp() throws IOException {
        layout = Layout.create(TestFs.unixRoot());
        b = new LayoutBuilder(layout);
    }

    Graph walk(Descriptor... roots) throws IOException {
        return GraphWalker.walk(layout, List.of(roots));
    }

    @Test
    void aManifestsChildrenAreItsConfigAndLayers() throws IOException {
        Descriptor m = b.image("a", "layer1", "layer2");
        Graph g = walk(m);
        assertEquals(4, g.nodes().size());
        assertEquals(Kind.MANIFEST, g.node(m.digest()).kind());
        assertEquals(3, g.node(m.digest()).children().size());
        assertTrue(g.problems().isEmpty());
    }

    @Test
    void subjectIsAWeakEdgeRecordedButNotFollowed() throws IOException {
        Descriptor subject = b.image("s", "base");
        Descriptor sbom = b.referrer(subject, "application/spdx+json", "sbom");
        Graph g = walk(sbom);
        assertFalse(g.reachable().contains(subject.digest()), "the subject is not a child");
        assertEquals(List.of(sbom.digest()), g.referrersOf(subject.digest()));
        assertEquals(subject.digest(), g.node(sbom.digest()).subject().digest());
    }

    @Test
    void indexEntriesOfAnyMediaTypeAreChildrenAndUnknownTypesAreLeaves() throws IOException {
        Descriptor layer = b.blob("cache layer", MediaType.DOCKER_LAYER);
        Descriptor unknown = b.blob("{\"x\":1}", "application/vnd.example.thing");
        Descriptor m = b.image("a", "l");
        Descriptor idx = b.index(m, layer, unknown);
        Graph g = walk(idx);
        assertEquals(Kind.INDEX, g.node(idx.digest()).kind());
        assertEquals(Kind.BLOB, g.node(layer.digest()).kind());
        assertEquals(Kind.BLOB, g.node(unknown.digest()).kind());
        assertTrue(g.reachable().contains(m.digest()));
        assertTrue(g.problems().isEmpty(), g.problems().toString());
    }

    @Test
    void indexesNestedThousandsDeepAreWalkedWithoutRecursion() throws IOException {
        Descriptor d = b.image("leaf", "l");
        for (int i = 0; i < 3000; i++) {
            d = b.index(d);
        }
        Graph g = walk(d);
        assertEquals(3003, g.nodes().size());
        assertTrue(g.problems().isEmpty());
    }

    @Test
    void aMissingBlobIsReportedWithThePathThatLedToIt() throws IOException {
        Descriptor m = b.image("a", "present");
        Descriptor missing = LayoutBuilder.absent(MediaType.OCI_MANIFEST, 'f');
        Descriptor idx = b.index(m, missing);
        Graph g = walk(idx);
        Graph.Problem p = g.problems().get(0);
        assertEquals(ProblemCode.MISSING_BLOB, p.code());
        assertEquals(List.of(idx.digest(), missing.digest()), p.path());
        assertEquals(Presence.MISSING, g.node(missing.digest()).presence());
    }

    @Test
    void anUnparsableManifestIsReportedNotThrown() throws IOException {
        Descriptor bad = b.blob("{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}", MediaType.OCI_MANIFEST);
        Descriptor idx = b.index(bad);
        Graph g = walk(idx);
        Graph.Problem p = g.problems().get(0);
        assertEquals(ProblemCode.UNPARSABLE_MANIFEST, p.code());
        assertTrue(p.message().contains("CVE-2021-41190"), p.message());
        assertEquals(List.of(idx.digest(), bad.digest()), p.path());
    }

    @Test
    void aCorruptManifestIsADigestMismatch() throws IOException {
        Descriptor m = b.image("a", "l");
        byte[] bytes = Files.readAllBytes(layout.blobs().path(m.digest()));
        bytes[10] ^= 1;
        Files.write(layout.blobs().path(m.digest()), bytes);
        Graph g = walk(m);
        assertEquals(ProblemCode.DIGEST_MISMATCH, g.problems().get(0).code());
    }

    @Test
    void aWrongSizeIsReported() throws IOException {
        Descriptor layer = b.blob("12345", MediaType.OCI_LAYER);
        Descriptor idx = b.index(Descriptor.of(MediaType.OCI_LAYER, layer.digest(), 4));
        Graph g = walk(idx);
        assertEquals(ProblemCode.SIZE_MISMATCH, g.problems().get(0).code());
    }

    @Test
    void foreignLayersAndInlineDataAreNotMissing() throws IOException {
        Descriptor foreign = new Descriptor(MediaType.DOCKER_FOREIGN_LAYER, Digest.parse("sha256:" + "c".repeat(64)),
                100, List.of("https://example.com/layer.tar.gz"), null, null, null, null, null);
        Descriptor inline = Descriptor.of(MediaType.OCI_EMPTY, Digest.EMPTY_JSON, 2).withData("{}".getBytes(StandardCharsets.UTF_8));
        Descriptor m = b.manifest(inline, null, "a/b", foreign);
        Files.deleteIfExists(layout.blobs().path(Digest.EMPTY_JSON));
        Graph g = walk(m);
        assertEquals(Presence.FOREIGN, g.node(foreign.digest()).presence());
        assertEquals(Presence.INLINE, g.node(Digest.EMPTY_JSON).presence());
        assertTrue(g.problems().isEmpty(), g.problems().toString());
    }

    @Test
    void aCycleEndsTheWalkWithAProblem() throws IOException {
        // Cycles need content that does not match its name; an unverifiable algorithm lets us store that.
        Path dir = Files.createDirectories(layout.files().blobs().resolve("fake"));
        String a = "fake:aaaa";
        String bDigest = "fake:bbbb";
        String indexA = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"digest\":\""
                + bDigest + "\",\"size\":SIZE}]}";
        String indexB = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"digest\":\""
                + a + "\",\"size\":SIZE}]}";
        int sizeA = indexA.replace("SIZE", "000").length();
        int sizeB = indexB.replace("SIZE", "000").length();
        Files.writeString(dir.resolve("aaaa"), indexA.replace("SIZE", String.format("%03d", sizeB)));
        Files.writeString(dir.resolve("bbbb"), indexB.replace("SIZE", String.format("%03d", sizeA)));
        Graph g = walk(Descriptor.of(MediaType.OCI_INDEX, Digest.parse(a), sizeA));
        Graph.Problem p = g.problems().get(0);
        assertEquals(ProblemCode.CYCLE, p.code());
        assertEquals(List.of(Digest.parse(a), Digest.parse(bDigest), Digest.parse(a)), p.path());
        assertEquals(2, g.nodes().size());
    }

    @Test
    void sharedContentIsOneNodeWithSeveralReferences() throws IOException {
        Descriptor m1 = b.image("a", "shared", "one");
        Descriptor m2 = b.image("b", "shared", "two");
        Graph g = walk(b.index(m1, m2));
        Digest shared = layout.blobs().put("shared".getBytes(StandardCharsets.UTF_8), MediaType.OCI_LAYER).digest();
        assertEquals(2, g.node(shared).references());
    }

    @Test
    void theWithdrawnOrasArtifactManifestKeepsItsBlobsReachable() throws IOException {
        Descriptor blob = b.blob("payload", "application/octet-stream");
        Descriptor art = b.blob("{\"mediaType\":\"" + MediaType.ORAS_ARTIFACT_MANIFEST + "\",\"artifactType\":\"a/b\","
                + "\"blobs\":[" + new String(dev.ocilayout.model.ModelJson.toBytes(blob), StandardCharsets.UTF_8) + "]}",
                MediaType.ORAS_ARTIFACT_MANIFEST);
        Graph g = walk(art);
        assertTrue(g.reachable().contains(blob.digest()));
        assertNull(((dev.ocilayout.model.ImageManifest) g.node(art.digest()).manifest()).config());
    }
}
