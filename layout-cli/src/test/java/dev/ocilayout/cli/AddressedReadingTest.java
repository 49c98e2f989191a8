package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.PeerTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reading commands take every kind of reference (issue #22): a layout, an archive read in place, a
 * registry repository; the same answers as from the layout the content came from.
 */
class AddressedReadingTest {
    @TempDir
    Path tmp;
    Distribution registry;

    @AfterEach
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private String digestOf(String ref) {
        Cli.Result r = Cli.run("resolve", ref);
        assertEquals(0, r.exit(), r.toString());
        return r.out().trim();
    }

    private Path example() throws Exception {
        return dev.ocilayout.testing.TestData.copy("example-layout", tmp.resolve("example"));
    }

    @Test
    void anOciArchiveIsListedResolvedAndReadInPlace() throws Exception {
        Path layout = example();
        Path tar = tmp.resolve("e.tar.gz");
        assertEquals(0, Cli.run("export", layout.toString(), "-o", tar.toString(), "--compress", "gzip").exit());
        assertEquals(Cli.run("tags", layout.toString()).out(), Cli.run("tags", "oci-archive:" + tar).out());
        assertEquals(digestOf(layout + ":v1"), digestOf("oci-archive:" + tar + ":v1"));
        Cli.Result cat = Cli.run("cat", "oci-archive:" + tar + ":v1");
        assertEquals(Cli.run("cat", layout + ":v1").out(), cat.out());
        JsonNode tags = ModelJson.mapper().readTree(Cli.run("tags", "oci-archive:" + tar, "--format", "json").out());
        assertEquals(List.of("latest", "v1"), tags.findValuesAsText("tag"));
    }

    @Test
    void aDockerArchiveIsAddressedByItsImageName() throws Exception {
        PeerTools.require("skopeo");
        Path layout = InteropTest.umociImage(tmp);
        Path tar = tmp.resolve("docker.tar");
        PeerTools.run(tmp, "skopeo", "copy", "oci:" + layout + ":v1", "docker-archive:" + tar + ":example.com/team/app:v1")
                .assertOk("skopeo copy to docker-archive");
        assertEquals("v1\n", Cli.run("tags", "docker-archive:" + tar).out());
        String byName = digestOf("docker-archive:" + tar + ":example.com/team/app:v1");
        assertEquals(byName, digestOf("docker-archive:" + tar + ":v1"));
        assertEquals(byName, digestOf("docker-archive:" + tar + "@" + byName));
        Cli.Result missing = Cli.run("resolve", "docker-archive:" + tar + ":example.com/other:v1");
        CliTest.assertOneLineError(missing, 3, "not found in " + tar);
    }

    @Test
    void aFullRefNameWithColonsAndSlashesIsAddressedWithOci() throws Exception {
        Path layout = example();
        assertEquals(0, Cli.run("tag", layout + ":v1", "localhost/bimg:2").exit());
        String v1 = digestOf(layout + ":v1");
        assertEquals(v1, digestOf("oci:" + layout + ":localhost/bimg:2"));
        assertEquals(v1, Cli.run("--layout", layout.toString(), "resolve", "localhost/bimg:2").out().trim());
        assertTrue(Cli.run("tags", layout.toString()).out().contains("localhost/bimg:2"));
    }

    @Test
    void aRegistryRepositoryIsListedResolvedAndRead() throws Exception {
        registry = Distribution.start(tmp, "");
        String host = registry.host();
        Path layout = example();
        assertEquals(0, Cli.run("copy", layout + ":v1", host + "/team/app:v1", "--plain-http").exit());
        assertEquals(0, Cli.run("copy", layout + ":latest", host + "/team/app:latest", "--plain-http").exit());
        assertEquals("latest\nv1\n", Cli.run("tags", host + "/team/app", "--plain-http").out());
        assertEquals(digestOf(layout + ":v1"), Cli.run("resolve", "docker://" + host + "/team/app:v1", "--plain-http")
                .out().trim());
        byte[] stored = Files.readAllBytes(layout.resolve("blobs/sha256/" + digestOf(layout + ":v1").substring(7)));
        assertArrayEquals(stored, Cli.run("cat", host + "/team/app:v1", "--plain-http").out()
                .getBytes(StandardCharsets.UTF_8));
        CliTest.assertOneLineError(Cli.run("resolve", host + "/team/app:nope", "--plain-http"), 3, "not found");
    }

    private JsonNode json(String... args) throws Exception {
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), r.toString());
        return ModelJson.mapper().readTree(r.out());
    }

    private static List<String> referrerDigests(JsonNode response) {
        List<String> out = new java.util.ArrayList<>(response.get("manifests").findValuesAsText("digest"));
        out.sort(null);
        return out;
    }

    @Test
    void treeAndDiscoverReadAnArchiveInPlaceAsTheyReadItsLayout() throws Exception {
        Path layout = dev.ocilayout.testing.TestData.copy("referrers/oras", tmp.resolve("oras"));
        Path tar = tmp.resolve("oras.tar.zst");
        assertEquals(0, Cli.run("export", layout + ":v1", "--referrers", "--compress", "zstd", "-o", tar.toString()).exit());
        assertEquals(referrerDigests(json("discover", layout + ":v1", "--format", "json")),
                referrerDigests(json("discover", "oci-archive:" + tar + ":v1", "--format", "json")));
        JsonNode inLayout = json("tree", layout + ":v1", "--format", "json").get("summary");
        JsonNode inArchive = json("tree", "oci-archive:" + tar + ":v1", "--format", "json").get("summary");
        assertEquals(inLayout.get("manifests"), inArchive.get("manifests"));
        assertEquals(inLayout.get("blobs"), inArchive.get("blobs"));
        assertEquals(0, inArchive.get("missing").asInt());
        assertTrue(Cli.run("discover", "oci-archive:" + tar + ":v1").out().contains("application/vnd.example.signature"));
    }

    @Test
    void treeAndDiscoverReadARegistryRepository() throws Exception {
        registry = Distribution.start(tmp, "");
        String host = registry.host();
        Path layout = dev.ocilayout.testing.TestData.copy("referrers/oras", tmp.resolve("oras"));
        assertEquals(0, Cli.run("copy", layout + ":v1", host + "/team/app:v1", "--plain-http", "--referrers").exit());
        assertEquals(referrerDigests(json("discover", layout + ":v1", "--format", "json")),
                referrerDigests(json("discover", host + "/team/app:v1", "--plain-http", "--format", "json")));
        JsonNode inLayout = json("tree", layout + ":v1", "--format", "json").get("summary");
        JsonNode inRegistry = json("tree", host + "/team/app:v1", "--plain-http", "--format", "json").get("summary");
        assertEquals(inLayout.get("blobs"), inRegistry.get("blobs"));
        assertEquals(0, inRegistry.get("missing").asInt());
    }

    @Test
    void copyTakesItsSourceFromLayoutWhenGivenThere() throws Exception {
        Path layout = example();
        assertEquals(0, Cli.run("tag", layout + ":v1", "localhost/bimg:2").exit());
        Path dst = tmp.resolve("dst");
        Cli.Result r = Cli.run("--layout", layout.toString(), "copy", "localhost/bimg:2", dst + ":copied");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(digestOf(layout + ":v1"), digestOf(dst + ":copied"));
    }

    @Test
    void aTagHoldingAColonIsCreatedResolvedAndRemovedAgain() throws Exception {
        Path layout = example();
        assertEquals(0, Cli.run("tag", layout + ":v1", "v1:x").exit());
        assertEquals(digestOf(layout + ":v1"), digestOf("oci:" + layout + ":v1:x"));
        assertEquals(0, Cli.run("untag", "oci:" + layout + ":v1:x").exit());
        CliTest.assertOneLineError(Cli.run("resolve", "oci:" + layout + ":v1:x"), 3, "not found");
    }

    @Test
    void aBlobIsWrittenFromAnArchiveOrARegistryVerified() throws Exception {
        Path layout = example();
        String layer = ModelJson.mapper().readTree(Cli.run("cat", layout + ":v1").out()).get("layers").get(0)
                .get("digest").asText();
        byte[] expected = Files.readAllBytes(layout.resolve("blobs/sha256/" + layer.substring(7)));
        Path tar = tmp.resolve("e.tar");
        assertEquals(0, Cli.run("export", layout.toString(), "-o", tar.toString()).exit());
        Path fromArchive = tmp.resolve("from-archive");
        Cli.Result got = Cli.run("blob", "get", "oci-archive:" + tar + "@" + layer, "-o", fromArchive.toString(), "--format",
                "json");
        assertEquals(0, got.exit(), got.toString());
        JsonNode written = ModelJson.mapper().readTree(got.out());
        assertEquals(layer, written.get("digest").asText(), "with -o, --format json says what was written (issue #23)");
        assertEquals(fromArchive.toString(), written.get("path").asText());
        assertArrayEquals(expected, Files.readAllBytes(fromArchive));
        registry = Distribution.start(tmp, "");
        String host = registry.host();
        assertEquals(0, Cli.run("copy", layout + ":v1", host + "/team/app:v1", "--plain-http").exit());
        Path fromRegistry = tmp.resolve("from-registry");
        assertEquals(0, Cli.run("blob", "get", host + "/team/app@" + layer, "--plain-http", "-o", fromRegistry.toString())
                .exit());
        assertArrayEquals(expected, Files.readAllBytes(fromRegistry));
        CliTest.assertOneLineError(Cli.run("blob", "get", host + "/team/app@sha256:" + "0".repeat(64), "--plain-http"),
                3, "not found");
    }

    @Test
    void everyTagGoesToARegistryAndComesBack() throws Exception {
        registry = Distribution.start(tmp, "");
        String host = registry.host();
        Path layout = example();
        assertEquals(0, Cli.run("copy", layout.toString(), host + "/team/all", "--all-tags", "--plain-http").exit());
        assertEquals("latest\nv1\n", Cli.run("tags", host + "/team/all", "--plain-http").out());
        Path back = tmp.resolve("back");
        assertEquals(0, Cli.run("copy", host + "/team/all", back.toString(), "--all-tags", "--plain-http").exit());
        assertEquals("latest\nv1\n", Cli.run("tags", back.toString()).out());
        assertEquals(0, Cli.run("fsck", back.toString()).exit());
    }

    @Test
    void anArtifactIsPulledFromAnArchiveOrARegistryByItsTitles() throws Exception {
        Path layout = example();
        Path tar = tmp.resolve("e.tar.gz");
        assertEquals(0, Cli.run("export", layout.toString(), "--compress", "gzip", "-o", tar.toString()).exit());
        Path fromLayout = tmp.resolve("from-layout");
        assertEquals(0, Cli.run("pull", layout + ":v1", "-o", fromLayout.toString()).exit());
        Path fromArchive = tmp.resolve("from-archive");
        assertEquals(0, Cli.run("pull", "oci-archive:" + tar + ":v1", "-o", fromArchive.toString()).exit());
        registry = Distribution.start(tmp, "");
        assertEquals(0, Cli.run("copy", layout + ":v1", registry.host() + "/team/app:v1", "--plain-http").exit());
        Path fromRegistry = tmp.resolve("from-registry");
        assertEquals(0, Cli.run("pull", registry.host() + "/team/app:v1", "-o", fromRegistry.toString(), "--plain-http")
                .exit());
        for (String name : List.of("hello.txt", "sbom.spdx.json")) {
            assertArrayEquals(Files.readAllBytes(fromLayout.resolve(name)), Files.readAllBytes(fromArchive.resolve(name)));
            assertArrayEquals(Files.readAllBytes(fromLayout.resolve(name)), Files.readAllBytes(fromRegistry.resolve(name)));
        }
    }

    private static List<String> findingCodes(Cli.Result r) throws Exception {
        List<String> codes = new java.util.ArrayList<>(ModelJson.mapper().readTree(r.out()).get("findings")
                .findValuesAsText("code"));
        codes.sort(null);
        return codes;
    }

    @Test
    void lintFindsInAnArchiveAndARegistryWhatItFindsInTheLayout() throws Exception {
        Path layout = dev.ocilayout.testing.TestData.copy("seed-shapes", tmp.resolve("seeds"));
        Path tar = tmp.resolve("seeds.tar");
        assertEquals(0, Cli.run("export", layout + ":artifact-no-config", layout + ":image", "-o", tar.toString()).exit());
        for (String tag : List.of("artifact-no-config", "image")) {
            List<String> inLayout = findingCodes(Cli.run("lint", layout + ":" + tag, "--registry", "all", "--format", "json"));
            assertEquals(inLayout, findingCodes(Cli.run("lint", "oci-archive:" + tar + ":" + tag, "--registry", "all",
                    "--format", "json")), tag);
        }
        registry = Distribution.start(tmp, "");
        assertEquals(0, Cli.run("copy", layout + ":image", registry.host() + "/team/app:image", "--plain-http").exit());
        assertEquals(findingCodes(Cli.run("lint", layout + ":image", "--registry", "all", "--format", "json")),
                findingCodes(Cli.run("lint", registry.host() + "/team/app:image", "--plain-http", "--registry", "all",
                        "--format", "json")));
    }

    /** A docker save of two repositories that share the tag latest, made by hand as docker writes it. */
    static Path twoRepositoriesSharingLatest(Path tmp) throws Exception {
        dev.ocilayout.testing.TarBuilder b = new dev.ocilayout.testing.TarBuilder();
        StringBuilder manifest = new StringBuilder("[");
        for (String repo : List.of("one", "two")) {
            String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"},\"x\":\""
                    + repo + "\"}";
            String name = dev.ocilayout.digest.Digest.sha256(config.getBytes(StandardCharsets.UTF_8)).encoded() + ".json";
            b.file(repo + "/layer.tar", new dev.ocilayout.testing.TarBuilder().file("etc/" + repo, repo).build())
                    .file(name, config);
            manifest.append(repo.equals("one") ? "" : ",").append("{\"Config\":\"").append(name)
                    .append("\",\"RepoTags\":[\"localhost/").append(repo).append(":latest\"],\"Layers\":[\"")
                    .append(repo).append("/layer.tar\"]}");
        }
        return Files.write(tmp.resolve("two.tar"), b.file("manifest.json", manifest.append("]").toString()).build());
    }

    @Test
    void repositoriesSharingATagAreKeptApartAndListedByRepository() throws Exception {
        Path tar = twoRepositoriesSharingLatest(tmp);
        Path layout = tmp.resolve("imported");
        assertEquals(0, Cli.run("import", tar.toString(), layout.toString()).exit());
        assertEquals("localhost/one:latest\nlocalhost/two:latest\n", Cli.run("tags", layout.toString()).out());
        assertEquals("localhost/two:latest\n", Cli.run("tags", layout.toString(), "--repository", "localhost/two").out());
        JsonNode json = ModelJson.mapper().readTree(Cli.run("tags", layout.toString(), "--format", "json").out());
        assertEquals(List.of("localhost/one", "localhost/two"), json.findValuesAsText("repository"));
        String one = digestOf("oci:" + layout + ":localhost/one:latest");
        assertTrue(!one.equals(digestOf("oci:" + layout + ":localhost/two:latest")));
        assertEquals(one, digestOf("docker-archive:" + tar + ":localhost/one:latest"), "in place, the same image");
        assertEquals("localhost/one:latest\nlocalhost/two:latest\n", Cli.run("tags", "docker-archive:" + tar).out());
    }
}
