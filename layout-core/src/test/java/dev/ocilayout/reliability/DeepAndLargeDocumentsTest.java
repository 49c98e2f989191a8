package dev.ocilayout.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.gc.GarbageCollector;
import dev.ocilayout.graph.GraphWalker;
import dev.ocilayout.graph.TreeView;
import dev.ocilayout.model.Annotations;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestFs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * reliability.md section 5, the documents that are valid but extreme: 10,000 nested indexes, an
 * {@code index.json} of a million entries, a 100 MiB {@code data} field, a subject that is itself. Each is
 * either handled in full or refused with a message naming the limit and how to raise it; nothing overflows
 * the stack or runs out of memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeepAndLargeDocumentsTest {
    static final int DEPTH = 10_000;

    Path fs;
    Layout deep;
    Descriptor top;

    @BeforeAll
    void buildAChainOfTenThousandIndexes() throws IOException {
        fs = TestFs.unixRoot();
        deep = Layout.create(fs.resolve("deep"));
        LayoutBuilder b = new LayoutBuilder(deep);
        Descriptor d = b.image("base", "layer");
        for (int i = 0; i < DEPTH; i++) {
            d = b.index(d);
        }
        top = d;
        b.tag("deep", top);
    }

    @Test
    void fsckVerifiesEveryLevelOfTenThousandNestedIndexes() throws IOException {
        Fsck.Report r = Fsck.check(deep, 2, null);
        assertTrue(r.clean(), r.findings().toString());
        assertEquals(DEPTH + 1, r.manifests());
    }

    @Test
    void gcKeepsEveryLevelOfTenThousandNestedIndexes() throws IOException {
        GarbageCollector.Report r = GarbageCollector.run(deep, new GarbageCollector.Policy(false, Duration.ZERO, true));
        assertEquals(List.of(), r.removed());
        assertEquals(DEPTH + 3, r.live());
    }

    @Test
    void copyTakesEveryLevelOfTenThousandNestedIndexes() throws IOException {
        Layout dst = Layout.create(fs.resolve("copy"));
        TargetCopy.Report r = TargetCopy.copy(new LayoutTarget(deep), top, new LayoutTarget(dst), "deep",
                TargetCopy.Options.defaults(), null);
        assertEquals(DEPTH + 3, r.blobs());
        assertTrue(Fsck.check(dst, 2, null).clean());
    }

    @Test
    void theTreeOfTenThousandNestedIndexesIsShownToTheDepthLimit() throws IOException {
        List<Descriptor> entries = deep.index().read().manifests();
        TreeView.Tree tree = TreeView.build(GraphWalker.walk(deep, entries), entries, -1);
        assertTrue(tree.depthLimited());
        assertEquals(DEPTH + 1, tree.summary().manifests(), "the summary still counts everything");
        int levels = 0;
        for (TreeView.Item i = tree.roots().get(0); !i.children().isEmpty(); i = i.children().get(0)) {
            levels++;
        }
        assertEquals(TreeView.MAX_DEPTH, levels);
    }

    @Test
    void aShallowTreeIsNotMarkedDepthLimited() throws IOException {
        Layout small = Layout.create(fs.resolve("small"));
        LayoutBuilder b = new LayoutBuilder(small);
        b.tag("v1", b.index(b.image("one", "l")));
        List<Descriptor> entries = small.index().read().manifests();
        assertFalse(TreeView.build(GraphWalker.walk(small, entries), entries, -1).depthLimited());
    }

    @Test
    void anIndexJsonOfAMillionEntriesIsRefusedByDefaultAndReadWhenTheLimitIsRaised() throws IOException {
        Layout big = Layout.create(fs.resolve("million"));
        Descriptor image = new LayoutBuilder(big).image("one", "l");
        String entry = "{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"" + image.digest() + "\",\"size\":"
                + image.size() + ",\"annotations\":{\"" + Annotations.REF_NAME + "\":\"t";
        ByteArrayOutputStream doc = new ByteArrayOutputStream(150 << 20);
        doc.writeBytes("{\"schemaVersion\":2,\"manifests\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 1_000_000; i++) {
            doc.writeBytes(((i == 0 ? "" : ",") + entry + i + "\"}}").getBytes(StandardCharsets.UTF_8));
        }
        doc.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        Files.write(big.root().resolve("index.json"), doc.toByteArray());

        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> Layout.open(big.root()).index().read());
        assertTrue(e.getMessage().endsWith("over the limit of 67108864 bytes"), e.getMessage());
        assertEquals(Hint.Kind.RAISE_INDEX_LIMIT, e.hint().kind(), "the CLI offers --max-index-size");

        Layout raised = Layout.open(big.root(), LayoutOptions.defaults().withMaxIndexBytes(256 << 20));
        assertEquals(1_000_000, raised.index().read().manifests().size());
        assertEquals(image.digest(), raised.resolveTag("t999999").digest());
    }

    @Test
    void aHundredMebibyteDataFieldIsRefusedEvenUnderARaisedLimit() throws IOException {
        Layout big = Layout.create(fs.resolve("data"));
        String doc = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + MediaType.OCI_MANIFEST
                + "\",\"digest\":\"sha256:" + "a".repeat(64) + "\",\"size\":1,\"data\":\"" + "QUFB".repeat(100 << 18)
                + "\"}]}";
        Files.writeString(big.root().resolve("index.json"), doc);
        byte[] before = Files.readAllBytes(big.root().resolve("index.json"));

        assertThrows(InvalidLayoutException.class, () -> Layout.open(big.root()).index().read(), "over 64 MiB");
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class,
                () -> Layout.open(big.root(), LayoutOptions.defaults().withMaxIndexBytes(512 << 20)).index().read());
        assertTrue(e.getMessage().contains("exceeds the maximum"), e.getMessage());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(big.root().resolve("index.json"))));
    }

    @Test
    void aManifestOneByteOverFourMebibytesIsRefusedBeforeItIsRead() throws IOException {
        Layout big = Layout.create(fs.resolve("manifest"));
        byte[] bytes = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"layers\":[],\"x\":\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] manifest = java.util.Arrays.copyOf(bytes, (4 << 20) + 1);
        java.util.Arrays.fill(manifest, bytes.length, manifest.length - 2, (byte) 'y');
        manifest[manifest.length - 2] = '"';
        manifest[manifest.length - 1] = '}';
        Descriptor d = big.blobs().put(manifest, MediaType.OCI_MANIFEST);
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> big.readManifest(d));
        assertTrue(e.getMessage().contains("over the limit of 4194304 bytes"), e.getMessage());
    }

    @Test
    void aManifestWhoseSubjectIsItselfEndsEveryWalk() throws IOException {
        // Content cannot name its own digest, so the loop needs a name that is not verified: an unknown algorithm.
        Layout loop = Layout.create(fs.resolve("self"));
        Descriptor config = new LayoutBuilder(loop).blob("{}", MediaType.OCI_EMPTY);
        String template = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":"
                + new String(dev.ocilayout.model.ModelJson.toBytes(config), StandardCharsets.UTF_8)
                + ",\"layers\":[],\"subject\":{\"mediaType\":\"" + MediaType.OCI_MANIFEST
                + "\",\"digest\":\"fake:cccc\",\"size\":SIZE}}";
        int size = template.replace("SIZE", "000").length();
        Path dir = Files.createDirectories(loop.files().blobs().resolve("fake"));
        Files.writeString(dir.resolve("cccc"), template.replace("SIZE", String.format("%03d", size)));
        Descriptor self = Descriptor.of(MediaType.OCI_MANIFEST, dev.ocilayout.digest.Digest.parse("fake:cccc"), size);
        new LayoutBuilder(loop).tag("self", self);

        List<Descriptor> entries = loop.index().read().manifests();
        TreeView.Tree tree = TreeView.build(GraphWalker.walk(loop, entries), entries, -1);
        assertEquals(1, tree.summary().manifests());
        Fsck.check(loop, 2, null);
        assertEquals(List.of(), GarbageCollector.run(loop, new GarbageCollector.Policy(true, Duration.ZERO, false)).removed());
        assertEquals(self.digest(), loop.resolveTag("self").digest());
    }
}
