package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tree, gc and fsck from the command line, on the seed-shapes fixture. */
class GraphCommandsTest {
    @TempDir
    Path tmp;
    Path seeds;

    @BeforeEach
    void setUp() throws Exception {
        seeds = TestData.copy("seed-shapes", tmp.resolve("seed-shapes"));
    }

    static JsonNode json(Cli.Result r) throws Exception {
        return ModelJson.mapper().readTree(r.out());
    }

    String orphan() throws Exception {
        String digest = Cli.run("blob", "put", seeds.toString(), TestData.dir().resolve("files/hello.txt").toString())
                .out().trim();
        Path p = seeds.resolve("blobs/sha256/" + digest.substring(7));
        Files.setLastModifiedTime(p, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        return digest;
    }

    @Test
    void treeShowsTagsReferrersSharedContentAndASummary() {
        Cli.Result r = Cli.run("tree", seeds.toString());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("[image] oci-manifest sha256:121e72a67f3d 397 B"), r.out());
        assertTrue(r.out().contains("│   ├── referrer oci-manifest"), r.out());
        assertTrue(r.out().contains("(shared, see above)"), r.out());
        assertTrue(r.out().contains("docker-manifest sha256:8a2da873e636 423 B linux/arm/v7"), r.out());
        assertTrue(r.out().contains("11 manifests, 11 blobs"), r.out());
    }

    @Test
    void treeOfAThousandNestedIndexesStopsAtTheDepthLimitAndSaysSo() throws Exception {
        dev.ocilayout.Layout layout = dev.ocilayout.Layout.create(tmp.resolve("deep"));
        dev.ocilayout.testing.LayoutBuilder b = new dev.ocilayout.testing.LayoutBuilder(layout);
        dev.ocilayout.model.Descriptor d = b.image("base", "layer");
        for (int i = 0; i < 1000; i++) {
            d = b.index(d);
        }
        b.tag("deep", d);
        Cli.Result text = Cli.run("tree", layout.root().toString());
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("note: content nests deeper than 64 levels and is shown to that depth"), text.out());
        Cli.Result json = Cli.run("tree", layout.root().toString(), "--format", "json");
        assertEquals(0, json.exit(), json.err());
        JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()); // nesting past our cap of 64
        assertTrue(tree.get("depthLimited").asBoolean());
        assertEquals(1001, tree.at("/summary/manifests").asInt());
    }

    @Test
    void treeOfOneReferenceWithDepthAndFullDigests() {
        Cli.Result r = Cli.run("tree", seeds + ":mixed-index", "--depth", "1", "--full-digests");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("sha256:8a2da873e636cac68c1a0cea8eac6f0fdef11351d4ce05265a4eb39ed87c19da"), r.out());
        assertTrue(r.out().contains("linux/arm/v7 (...)"), r.out());
        assertFalse(r.out().contains("docker-config"), "depth 1 stops above configs");
    }

    @Test
    void treeAsJson() throws Exception {
        JsonNode n = json(Cli.run("tree", seeds.toString(), "--format", "json"));
        assertEquals(11, n.get("summary").get("manifests").asInt());
        JsonNode image = n.get("roots").get(0);
        assertEquals("image", image.get("tags").get(0).asText());
        assertEquals("referrer", image.get("children").get(2).get("role").asText());
        JsonNode cache = n.get("roots").get(n.get("roots").size() - 1);
        assertEquals("application/vnd.docker.image.rootfs.diff.tar.gzip", cache.get("children").get(0).get("mediaType").asText());
    }

    @Test
    void fsckFindsTheNoConfigManifestAndExitsOne() throws Exception {
        Cli.Result r = Cli.run("fsck", seeds.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("error MANIFEST_NO_CONFIG: manifest sha256:8a61db41"), r.out());
        assertTrue(r.out().contains("FAILED: 11 manifests, 22 blobs"), r.out());
        JsonNode n = json(Cli.run("fsck", seeds.toString(), "--format", "json"));
        assertFalse(n.get("clean").asBoolean());
        assertEquals("MANIFEST_NO_CONFIG", n.get("findings").get(0).get("code").asText());
        assertEquals("error", n.get("findings").get(0).get("severity").asText());
    }

    @Test
    void fsckOfAHealthyLayoutExitsZeroAndStrictCountsWarnings() throws Exception {
        Path layout = tmp.resolve("healthy");
        Cli.run("push", layout + ":v1", TestData.dir().resolve("files/hello.txt").toString());
        Cli.Result ok = Cli.run("fsck", layout.toString());
        assertEquals(0, ok.exit(), ok.toString());
        assertTrue(ok.out().startsWith("ok: 1 manifest, "), ok.out());
        Path crashed = Files.writeString(layout.resolve("ingest/ocil-crashed.tmp"), "partial");
        Files.setLastModifiedTime(crashed, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
        assertEquals(0, Cli.run("fsck", layout.toString()).exit());
        Cli.Result strict = Cli.run("fsck", layout.toString(), "--strict");
        assertEquals(1, strict.exit(), strict.toString());
        assertTrue(strict.out().contains("warning TEMP_LEFTOVER"), strict.out());
    }

    @Test
    void fsckReportsACorruptBlobByDigest() throws Exception {
        Path blob = seeds.resolve("blobs/sha256/90252ef0aa9e3d36c861bbeaa1bd57b7f855333edf2957ab9473838a52e2dd7f");
        byte[] b = Files.readAllBytes(blob);
        b[b.length - 1] ^= 1;
        Files.write(blob, b);
        Cli.Result r = Cli.run("fsck", seeds.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("error DIGEST_MISMATCH: blob sha256:90252ef0"), r.out());
    }

    @Test
    void gcDryRunListsWhatARealRunRemoves() throws Exception {
        String orphan = orphan();
        Cli.Result dry = Cli.run("gc", seeds.toString(), "--dry-run");
        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("would remove " + orphan), dry.out());
        assertTrue(Files.exists(seeds.resolve("blobs/sha256/" + orphan.substring(7))));
        JsonNode real = json(Cli.run("gc", seeds.toString(), "--format", "json"));
        assertEquals(orphan, real.get("removed").get(0).get("digest").asText());
        assertEquals(1, real.get("removed").size());
        assertFalse(Files.exists(seeds.resolve("blobs/sha256/" + orphan.substring(7))));
        assertEquals(1, Cli.run("fsck", seeds.toString()).exit(), "only the no-config finding remains");
    }

    @Test
    void gcKeepsYoungBlobsUnlessTheGraceIsShortened() throws Exception {
        String digest = Cli.run("blob", "put", seeds.toString(), TestData.dir().resolve("files/hello.txt").toString())
                .out().trim();
        Cli.Result r = Cli.run("gc", seeds.toString());
        assertTrue(r.out().contains("younger than the grace period"), r.out());
        assertTrue(Files.exists(seeds.resolve("blobs/sha256/" + digest.substring(7))));
        Cli.run("gc", seeds.toString(), "--grace", "0s", "-q");
        assertFalse(Files.exists(seeds.resolve("blobs/sha256/" + digest.substring(7))));
    }

    @Test
    void gcRefusesACorruptIndexJson() throws Exception {
        orphan();
        Files.writeString(seeds.resolve("index.json"), "{");
        Cli.Result r = Cli.run("gc", seeds.toString());
        assertEquals(5, r.exit(), r.toString());
        assertEquals("{", Files.readString(seeds.resolve("index.json")));
    }
}
