package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.PeerTools;
import dev.ocilayout.testing.TarBuilder;
import dev.ocilayout.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export and import through the CLI, and against skopeo's oci-archive: and docker-archive: transports. */
class ArchiveCommandsTest {
    @TempDir
    Path tmp;

    static void ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void anExportImportsBackFromStdinWithTagsAndReferrers() throws Exception {
        Path src = TestData.copy("referrers/oras", tmp.resolve("src"));
        Path tar = tmp.resolve("all.tar.zst");
        ok(Cli.run("export", src + ":v1", "--referrers", "--compress", "zstd", "-o", tar.toString()));
        Path dst = tmp.resolve("dst");
        Cli.Result r = Cli.runWithInput(Files.readAllBytes(tar), "import", "-", dst.toString(), "--format", "json");
        ok(r);
        JsonNode n = ModelJson.mapper().readTree(r.out());
        assertEquals("zstd", n.get("compression").asText());
        assertEquals("v1", n.get("images").get(0).get("tag").asText());
        assertEquals(Cli.run("resolve", src + ":v1").out(), Cli.run("resolve", dst + ":v1").out());
        assertEquals(Cli.run("discover", src + ":v1", "--format", "json").out(),
                Cli.run("discover", dst + ":v1", "--format", "json").out());
        ok(Cli.run("fsck", dst.toString()));
    }

    @Test
    void tagConflictsFailWithExitOneUnlessToldOtherwise() throws Exception {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Path tar = exportV1OverConflictingTag(src, dst);
        Cli.Result conflict = Cli.run("import", tar.toString(), dst.toString());
        assertEquals(1, conflict.exit(), conflict.toString());
        assertTrue(conflict.err().contains("already has tag v1 for other content"), conflict.err());
        Cli.Result skip = Cli.run("import", tar.toString(), dst.toString(), "--on-conflict", "skip");
        ok(skip);
        assertTrue(skip.err().contains("tag v1 names other content"), skip.err());
        ok(Cli.run("import", tar.toString(), dst.toString(), "--on-conflict", "overwrite"));
        assertEquals(Cli.run("resolve", src + ":v1").out(), Cli.run("resolve", dst + ":v1").out());
        assertEquals(2, Cli.run("import", tar.toString(), dst.toString(), "--on-conflict", "maybe").exit());
    }

    /** Exports {@code src:v1} (the example layout) and makes {@code dst} whose v1 names other content. */
    private static Path exportV1OverConflictingTag(Path src, Path dst) throws Exception {
        TestData.copy("example-layout", src);
        Path tar = src.resolveSibling("v1.tar");
        ok(Cli.run("export", src + ":v1", "-o", tar.toString()));
        ok(Cli.run("push", dst + ":v1", TestData.dir().resolve("files/hello.txt").toString()));
        return tar;
    }

    @Test
    void theJsonReportListsSkippedTagsAndIgnoredEntriesAsArrays() throws Exception {
        Path dst = tmp.resolve("dst");
        Path tar = exportV1OverConflictingTag(tmp.resolve("src"), dst);

        Cli.Result skip = Cli.run("import", tar.toString(), dst.toString(), "--on-conflict", "skip", "--format", "json");

        ok(skip);
        JsonNode n = ModelJson.mapper().readTree(skip.out());
        assertEquals("[\"v1\"]", n.get("skippedTags").toString());
        assertTrue(n.get("ignoredEntries").isArray(), skip.out());
        assertEquals(false, n.get("images").get(0).get("tagged").asBoolean());
    }

    @Test
    void aHostileArchiveFailsWithOneLineAndChangesNothing() throws Exception {
        Path tar = tmp.resolve("evil.tar");
        Files.write(tar, new TarBuilder().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .file("../../escaped", "x").build());
        Path dst = tmp.resolve("dst");
        ok(Cli.run("init", dst.toString()));
        byte[] before = Files.readAllBytes(dst.resolve("index.json"));
        Cli.Result r = Cli.run("import", tar.toString(), dst.toString());
        assertEquals(1, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains("'..' segment"), r.err());
        assertEquals(new String(before), Files.readString(dst.resolve("index.json")));
        assertTrue(Files.notExists(tmp.resolve("escaped")));
        Files.write(tar, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0});
        Cli.Result corrupt = Cli.run("import", tar.toString(), dst.toString());
        assertEquals(1, corrupt.exit());
        assertTrue(corrupt.err().contains("truncated or corrupt"), corrupt.err());
    }

    @Test
    void weImportWhatSkopeoWritesAsAnOciArchive() throws Exception {
        Path u = InteropTest.umociImage(tmp);
        PeerTools.require("skopeo");
        Path tar = tmp.resolve("skopeo-oci.tar");
        PeerTools.run(tmp, "skopeo", "copy", "oci:" + u + ":v1", "oci-archive:" + tar + ":v1").assertOk("skopeo copy");
        Path dst = tmp.resolve("dst");
        ok(Cli.run("import", tar.toString(), dst.toString()));
        assertEquals(Cli.run("resolve", u + ":v1").out(), Cli.run("resolve", dst + ":v1").out(), "the same manifest bytes");
        ok(Cli.run("fsck", dst.toString()));
        InteropTest.assertWeReadIt(dst, "v1");
    }

    @Test
    void weImportWhatSkopeoWritesAsADockerArchive() throws Exception {
        Path u = InteropTest.umociImage(tmp);
        PeerTools.require("skopeo");
        Path tar = tmp.resolve("skopeo-docker.tar");
        PeerTools.run(tmp, "skopeo", "copy", "oci:" + u + ":v1", "docker-archive:" + tar + ":example/app:1.0")
                .assertOk("skopeo copy");
        Path dst = tmp.resolve("dst");
        Cli.Result r = Cli.run("import", tar.toString(), dst.toString(), "--format", "json");
        ok(r);
        assertEquals("docker-archive", ModelJson.mapper().readTree(r.out()).get("format").asText());
        ok(Cli.run("fsck", dst.toString()));
        InteropTest.assertWeReadIt(dst, "1.0");
        // skopeo and umoci read the image we made of it, and its config is the one skopeo wrote
        PeerTools.run(tmp, "skopeo", "inspect", "oci:" + dst + ":1.0").assertOk("skopeo inspect");
        PeerTools.run(tmp, "umoci", "stat", "--image", dst + ":1.0").assertOk("umoci stat");
        JsonNode source = ModelJson.mapper().readTree(Cli.run("cat", u + ":v1").outBytes());
        JsonNode imported = ModelJson.mapper().readTree(Cli.run("cat", dst + ":1.0").outBytes());
        assertEquals(source.get("config").get("digest"), imported.get("config").get("digest"));
    }

    @Test
    void skopeoReadsOurDockerAndDualArchives() throws Exception {
        Path u = InteropTest.umociImage(tmp);
        PeerTools.require("skopeo");
        for (String format : new String[] {"docker", "dual"}) {
            Path tar = tmp.resolve(format + ".tar");
            ok(Cli.run("export", u + ":v1", "--archive-format", format, "--repository", "example/app", "-o", tar.toString()));
            Path out = tmp.resolve("from-" + format);
            PeerTools.run(tmp, "skopeo", "copy", "docker-archive:" + tar + ":example/app:v1", "oci:" + out + ":v1")
                    .assertOk("skopeo copy docker-archive (" + format + ")");
            JsonNode source = ModelJson.mapper().readTree(Cli.run("cat", u + ":v1").outBytes());
            JsonNode copied = ModelJson.mapper().readTree(Cli.run("cat", out + ":v1").outBytes());
            assertEquals(source.get("layers").size(), copied.get("layers").size(), format);
            ok(Cli.run("fsck", out.toString()));
        }
        PeerTools.run(tmp, "skopeo", "inspect", "oci-archive:" + tmp.resolve("dual.tar") + ":v1").assertOk("dual as oci-archive");
    }

    @Test
    void blobsListFeedsADeltaExport() throws Exception {
        Path u = TestData.copy("example-layout", tmp.resolve("src"));
        Path there = tmp.resolve("there");
        ok(Cli.run("push", there + ":other", TestData.dir().resolve("files/hello.txt") + ":text/plain"));
        Cli.Result list = Cli.run("blobs", there.toString());
        ok(list);
        Path listFile = tmp.resolve("there.txt");
        java.nio.file.Files.writeString(listFile, list.out());
        assertTrue(list.out().lines().allMatch(l -> l.matches("sha256:[0-9a-f]{64} [0-9]+")), list.out());
        Path delta = tmp.resolve("delta.tar");
        Cli.Result r = Cli.run("export", u + ":v1", "--exclude-blobs-from", listFile.toString(), "-o", delta.toString());
        ok(r);
        assertTrue(r.out().contains("leaving out"), r.out());
        Cli.Result refused = Cli.run("import", delta.toString(), tmp.resolve("elsewhere").toString());
        assertEquals(3, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("delta archive"), refused.err());
        ok(Cli.run("import", delta.toString(), there.toString()));
        assertEquals(Cli.run("resolve", u + ":v1").out(), Cli.run("resolve", there + ":v1").out());
        ok(Cli.run("fsck", there.toString()));
        assertEquals(2, Cli.run("tags", there.toString(), "--format", "docker").exit(), "archive formats are for export");
    }
}
