package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.PeerTools;
import dev.ocilayout.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyCommandTest {
    @TempDir
    Path tmp;

    @Test
    void copyWithReferrersThenSkopeoReadsTheCopy() throws Exception {
        Path src = TestData.copy("referrers/regclient", tmp.resolve("src"));
        Path dst = tmp.resolve("dst");
        Cli.Result r = Cli.run("copy", src + ":v1", dst.toString(), "--referrers", "--format", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode n = ModelJson.mapper().readTree(r.out()).get(0);
        assertEquals("v1", n.get("tag").asText());
        assertEquals(3, n.get("referrers").asInt());
        assertEquals(0, Cli.run("fsck", dst.toString()).exit());
        assertEquals(2, ModelJson.mapper().readTree(Cli.run("discover", dst + ":v1", "--format", "json").out())
                .get("manifests").size());
        PeerTools.require("skopeo");
        PeerTools.run(tmp, "skopeo", "inspect", "--raw", "oci:" + dst + ":v1").assertOk("skopeo inspect");
    }

    @Test
    void copiedReferrersCanBeRecordedAnotherWay() throws Exception {
        Path src = TestData.copy("referrers/oras", tmp.resolve("src"));
        Path dst = tmp.resolve("dst");
        assertEquals(0, Cli.run("copy", src + ":v1", dst.toString(), "--referrers", "--referrers-as", "fallback-tag").exit());
        JsonNode detect = ModelJson.mapper().readTree(Cli.run("referrers", "detect", dst.toString(), "--format", "json").out());
        assertEquals(3, detect.get("conventions").get("fallback-tag").asInt());
        assertEquals(2, Cli.run("copy", src + ":v1", dst.toString(), "--referrers", "--referrers-as", "nope").exit());
    }

    @Test
    void skopeoReadsAndCopiesAnArchiveWeExport() throws Exception {
        Path src = TestData.copy("referrers/oras", tmp.resolve("src"));
        Path tar = tmp.resolve("v1.tar");
        Cli.Result r = Cli.run("export", src + ":v1", "--referrers", "-o", tar.toString());
        assertEquals(0, r.exit(), r.toString());
        PeerTools.require("skopeo");
        PeerTools.Result raw = PeerTools.run(tmp, "skopeo", "inspect", "--raw", "oci-archive:" + tar + ":v1")
                .assertOk("skopeo inspect oci-archive");
        assertEquals(new String(Cli.run("cat", src + ":v1").outBytes(), java.nio.charset.StandardCharsets.UTF_8), raw.stdout());
        Path out = tmp.resolve("from-archive");
        PeerTools.run(tmp, "skopeo", "copy", "oci-archive:" + tar + ":v1", "oci:" + out + ":v1").assertOk("skopeo copy");
        assertEquals(0, Cli.run("fsck", out.toString()).exit());
        assertEquals(2, Cli.run("export", src + ":v1", tmp + "/other:v1", "-o", tmp.resolve("x.tar").toString()).exit(),
                "one layout per export");
    }

    @Test
    void allTagsAndPlatformFilter() throws Exception {
        Path seeds = TestData.copy("seed-shapes", tmp.resolve("seeds"));
        Cli.Result all = Cli.run("copy", seeds.toString(), tmp.resolve("all").toString(), "--all-tags");
        assertEquals(0, all.exit(), all.toString());
        assertEquals(Cli.run("tags", seeds.toString()).out(), Cli.run("tags", tmp.resolve("all").toString()).out());
        Cli.Result one = Cli.run("copy", seeds + ":mixed-index", tmp.resolve("arm") + ":arm", "--platform", "linux/arm/v7");
        assertEquals(0, one.exit(), one.toString());
        assertTrue(one.out().contains("a new index with only linux/arm/v7"), one.out());
        assertEquals(2, Cli.run("copy", seeds.toString(), tmp.resolve("x").toString()).exit(), "needs a tag or --all-tags");
        assertEquals(2, Cli.run("copy", seeds + ":image", tmp.resolve("x") + ":t", "--platform", "linux").exit());
    }
}
