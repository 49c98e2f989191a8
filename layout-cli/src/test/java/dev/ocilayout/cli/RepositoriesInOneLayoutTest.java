package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.serve.RegistryServer;
import dev.ocilayout.testing.PeerTools;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layout holding several repositories by full names (spec-notes/repositories.md): {@code copy} and
 * {@code export} move one repository with its names, a registry gets the tags alone, and {@code serve} offers
 * each repository under its name to a real client (skopeo).
 */
class RepositoriesInOneLayoutTest {
    @TempDir
    Path tmp;
    Path layout;
    Distribution registry;

    @BeforeEach
    void twoRepositories() throws Exception {
        layout = tmp.resolve("store");
        Cli.Result r = Cli.run("import", AddressedReadingTest.twoRepositoriesSharingLatest(tmp).toString(), layout.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(0, Cli.run("tag", "oci:" + layout + ":localhost/one:latest", "localhost/one:1").exit());
    }

    @AfterEach
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private String digestOf(String ref) {
        return ok(Cli.run("resolve", ref)).out().trim();
    }

    @Test
    void copyAllTagsOfOneRepositoryKeepsItsFullNames() throws Exception {
        Path dst = tmp.resolve("dst");
        ok(Cli.run("copy", "--all-tags", "--repository", "localhost/one", layout.toString(), dst.toString()));
        assertEquals("localhost/one:1\nlocalhost/one:latest\n", Cli.run("tags", dst.toString()).out());
        assertEquals(digestOf("oci:" + layout + ":localhost/one:1"), digestOf("oci:" + dst + ":localhost/one:1"));
    }

    @Test
    void copyOfOneFullNameToALayoutKeepsTheName() throws Exception {
        Path dst = tmp.resolve("dst");
        ok(Cli.run("copy", "oci:" + layout + ":localhost/two:latest", dst.toString()));
        assertEquals("localhost/two:latest\n", Cli.run("tags", dst.toString()).out());
    }

    @Test
    void aRegistryGetsOneRepositorysTagsAloneAndAManyRepositoryLayoutNeedsTheChoice() throws Exception {
        registry = Distribution.start(tmp, "");
        String repo = registry.host() + "/mirror/one";
        Cli.Result refused = Cli.run("copy", "--all-tags", layout.toString(), repo, "--plain-http");
        CliTest.assertOneLineError(refused, 2, "localhost/one, localhost/two");
        ok(Cli.run("copy", "--all-tags", "--repository", "localhost/one", layout.toString(), repo, "--plain-http"));
        assertEquals("1\nlatest\n", Cli.run("tags", repo, "--plain-http").out());
        ok(Cli.run("copy", "oci:" + layout + ":localhost/two:latest", registry.host() + "/mirror/two", "--plain-http"));
        assertEquals(digestOf("oci:" + layout + ":localhost/two:latest"),
                ok(Cli.run("resolve", registry.host() + "/mirror/two:latest", "--plain-http")).out().trim());
    }

    @Test
    void aRegistryRepositoryCopiedIntoALayoutRepositoryIsStoredUnderItsName() throws Exception {
        registry = Distribution.start(tmp, "");
        String repo = registry.host() + "/mirror/one";
        ok(Cli.run("copy", "--all-tags", "--repository", "localhost/one", layout.toString(), repo, "--plain-http"));
        Path back = tmp.resolve("back");
        ok(Cli.run("copy", "--all-tags", "--repository", "mirror/one", repo, back.toString(), "--plain-http"));
        assertEquals("mirror/one:1\nmirror/one:latest\n", Cli.run("tags", back.toString()).out());
    }

    @Test
    void exportOfOneRepositoryWritesItsTagsUnderTheirFullNames() throws Exception {
        Path tar = tmp.resolve("two.tar");
        ok(Cli.run("export", layout.toString(), "--repository", "localhost/two", "-o", tar.toString()));
        assertEquals("localhost/two:latest\n", Cli.run("tags", "oci-archive:" + tar).out());
        Path imported = tmp.resolve("imported");
        ok(Cli.run("import", tar.toString(), imported.toString()));
        ok(Cli.run("fsck", imported.toString()));
        assertEquals(digestOf("oci:" + layout + ":localhost/two:latest"), digestOf("oci:" + imported + ":localhost/two:latest"));
        CliTest.assertOneLineError(Cli.run("export", layout.toString(), "--repository", "localhost/nope", "-o",
                tmp.resolve("x.tar").toString()), 2, "holds no repository 'localhost/nope' (it holds localhost/one, localhost/two)");
    }

    @Test
    void aNameWithColonsAndSlashesRoundTripsThroughTagResolveExportImportAndUntag() throws Exception {
        String name = "registry.example.com:5000/team/x:v1.0";
        String digest = digestOf("oci:" + layout + ":localhost/one:1");
        ok(Cli.run("tag", "oci:" + layout + ":localhost/one:1", name));
        assertEquals(digest, digestOf("oci:" + layout + ":" + name));
        Path tar = tmp.resolve("all.tar");
        ok(Cli.run("export", layout.toString(), "-o", tar.toString()));
        Path imported = tmp.resolve("imported");
        ok(Cli.run("import", tar.toString(), imported.toString()));
        assertEquals(digest, digestOf("oci:" + imported + ":" + name));
        assertEquals(digest, digestOf("oci-archive:" + tar + ":" + name));
        ok(Cli.run("untag", "oci:" + imported + ":" + name));
        CliTest.assertOneLineError(Cli.run("resolve", "oci:" + imported + ":" + name), 3, "not found");
        assertEquals(digest, digestOf("oci:" + imported + ":localhost/one:1"), "the other names stay");
    }

    @Test
    void aDockerExportOfFullNamesGivesThemAsRepoTags() throws Exception {
        Path tar = tmp.resolve("one-docker.tar");
        ok(Cli.run("export", layout.toString(), "--repository", "localhost/one", "--archive-format", "docker", "-o", tar.toString()));
        JsonNode manifest = ModelJson.mapper().readTree(entry(tar, "manifest.json"));
        List<String> repoTags = new java.util.ArrayList<>();
        manifest.forEach(image -> repoTags.addAll(texts(image.get("RepoTags"))));
        assertEquals(List.of("localhost/one:1", "localhost/one:latest"), repoTags);
    }

    @Test
    void serveOffersEachRepositoryOfTheLayoutToSkopeo() throws Exception {
        PeerTools.require("skopeo");
        try (RegistryServer s = ServeInteropTest.serve(layout, true)) {
            String host = ServeInteropTest.host(s);
            Path pulled = tmp.resolve("pulled");
            PeerTools.run(tmp, "skopeo", "copy", "--preserve-digests", "--src-tls-verify=false",
                    "docker://" + host + "/localhost/two:latest",
                    "oci:" + pulled + ":two").assertOk("skopeo copy from serve");
            assertEquals(digestOf("oci:" + layout + ":localhost/two:latest"), digestOf(pulled + ":two"));
            PeerTools.Result tags = PeerTools.run(tmp, "skopeo", "list-tags", "--tls-verify=false",
                    "docker://" + host + "/localhost/one");
            tags.assertOk("skopeo list-tags");
            JsonNode listed = ModelJson.mapper().readTree(tags.stdout());
            assertEquals(List.of("1", "latest"), texts(listed.get("Tags")));
            assertEquals(digestOf("oci:" + layout + ":localhost/one:1"),
                    ok(Cli.run("resolve", host + "/localhost/one:1", "--plain-http")).out().trim());
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static byte[] entry(Path tar, String name) throws Exception {
        try (TarFile t = new TarFile(tar)) {
            for (TarArchiveEntry e : t.getEntries()) {
                if (e.getName().equals(name)) {
                    return t.getInputStream(e).readAllBytes();
                }
            }
        }
        throw new AssertionError(name + " not in " + tar);
    }
}
