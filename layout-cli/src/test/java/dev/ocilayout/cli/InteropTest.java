package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.PeerTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with real peers from Debian's packages: skopeo reads and copies what we write; we
 * read what umoci and skopeo write. Skipped with a printed reason where a tool is missing, failed in CI.
 */
class InteropTest {
    @TempDir
    Path tmp;

    static void ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
    }

    static byte[] blob(Path layout, String digest) throws Exception {
        return Files.readAllBytes(layout.resolve("blobs").resolve(digest.replace(':', '/')));
    }

    static JsonNode indexJson(Path layout) throws Exception {
        return ModelJson.mapper().readTree(layout.resolve("index.json").toFile());
    }

    /** A small umoci image: init, new, unpack, add a file, repack. */
    static Path umociImage(Path tmp) throws Exception {
        PeerTools.require("umoci");
        Path u = tmp.resolve("umoci-layout");
        Path bundle = tmp.resolve("bundle");
        PeerTools.run(tmp, "umoci", "init", "--layout", u.toString()).assertOk("umoci init");
        PeerTools.run(tmp, "umoci", "new", "--image", u + ":base").assertOk("umoci new");
        PeerTools.run(tmp, "umoci", "unpack", "--rootless", "--image", u + ":base", bundle.toString())
                .assertOk("umoci unpack");
        Files.writeString(bundle.resolve("rootfs/hello.txt"), "hello from umoci\n");
        PeerTools.run(tmp, "umoci", "repack", "--image", u + ":v1", bundle.toString()).assertOk("umoci repack");
        return u;
    }

    /** Our tags, resolve, cat and blob get agree with what a peer wrote into index.json and blobs/. */
    static void assertWeReadIt(Path layout, String tag) throws Exception {
        JsonNode entry = null;
        for (JsonNode e : indexJson(layout).get("manifests")) {
            if (tag.equals(e.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
                entry = e;
            }
        }
        assertTrue(entry != null, "peer tagged " + tag);
        String digest = entry.get("digest").asText();
        assertTrue(Cli.run("tags", layout.toString()).out().lines().toList().contains(tag));
        assertEquals(digest, Cli.run("resolve", layout + ":" + tag).out().trim());
        Cli.Result cat = Cli.run("cat", layout + ":" + tag);
        ok(cat);
        assertArrayEquals(blob(layout, digest), cat.outBytes());
        JsonNode manifest = ModelJson.mapper().readTree(cat.outBytes());
        for (JsonNode layer : manifest.get("layers")) {
            Cli.Result get = Cli.run("blob", "get", layout + "@" + layer.get("digest").asText());
            ok(get);
            assertArrayEquals(blob(layout, layer.get("digest").asText()), get.outBytes());
        }
        String config = manifest.get("config").get("digest").asText();
        assertArrayEquals(blob(layout, config), Cli.run("blob", "get", layout + "@" + config).outBytes());
    }

    @Test
    void skopeoInspectsAndCopiesALayoutWePushed() throws Exception {
        PeerTools.require("skopeo");
        Path ours = tmp.resolve("ours");
        Path sbom = Files.writeString(tmp.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
        ok(Cli.run("push", ours + ":v1", sbom + ":application/spdx+json", "--artifact-type", "application/spdx+json"));
        ok(Cli.run("tag", ours + ":v1", "latest"));

        PeerTools.Result raw = PeerTools.run(tmp, "skopeo", "inspect", "--raw", "oci:" + ours + ":v1")
                .assertOk("skopeo inspect --raw");
        assertEquals(new String(Cli.run("cat", ours + ":v1").outBytes(), java.nio.charset.StandardCharsets.UTF_8),
                raw.stdout());

        Path copy = tmp.resolve("copy");
        PeerTools.run(tmp, "skopeo", "copy", "oci:" + ours + ":latest", "oci:" + copy + ":v1")
                .assertOk("skopeo copy");
        assertEquals(Cli.run("resolve", ours + ":v1").out(), Cli.run("resolve", copy + ":v1").out());
        Path out = tmp.resolve("pulled");
        ok(Cli.run("pull", copy + ":v1", "-o", out.toString()));
        assertEquals("{\"spdxVersion\":\"SPDX-2.3\"}", Files.readString(out.resolve("sbom.json")));
    }

    @Test
    void weReadALayoutMadeByUmoci() throws Exception {
        Path u = umociImage(tmp);
        assertEquals(List.of("base", "v1"), Cli.run("tags", u.toString()).out().lines().toList());
        assertWeReadIt(u, "base");
        assertWeReadIt(u, "v1");
    }

    @Test
    void weReadALayoutWrittenBySkopeo() throws Exception {
        Path u = umociImage(tmp);
        PeerTools.require("skopeo");
        Path s = tmp.resolve("skopeo-layout");
        PeerTools.run(tmp, "skopeo", "copy", "oci:" + u + ":v1", "oci:" + s + ":copied").assertOk("skopeo copy");
        assertWeReadIt(s, "copied");
    }

    @Test
    void umociAndSkopeoReadAnIndexJsonWeRewrote() throws Exception {
        Path u = umociImage(tmp);
        ok(Cli.run("tag", u + ":v1", "v2", "release/2026"));
        ok(Cli.run("untag", u + ":base"));
        PeerTools.Result ls = PeerTools.run(tmp, "umoci", "ls", "--layout", u.toString()).assertOk("umoci ls");
        assertEquals(List.of("release/2026", "v1", "v2"), ls.stdout().lines().sorted().toList());
        PeerTools.run(tmp, "umoci", "stat", "--image", u + ":v2").assertOk("umoci stat");
        PeerTools.require("skopeo");
        PeerTools.run(tmp, "skopeo", "inspect", "oci:" + u + ":v2").assertOk("skopeo inspect");
    }
}
