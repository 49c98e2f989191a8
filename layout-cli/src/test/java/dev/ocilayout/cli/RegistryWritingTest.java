package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.serve.RegistryServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** push, tag, attach, detach and untag straight to a registry (issue #22), against docker-registry and serve. */
class RegistryWritingTest {
    @TempDir
    Path tmp;
    Distribution registry;

    @AfterEach
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    /** Pushes an SBOM, tags it, attaches a signature; returns the SBOM's digest. */
    private String pushTagAttach(String repo) throws Exception {
        Path sbom = Files.writeString(tmp.resolve("sbom.spdx.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");
        Cli.Result pushed = Cli.run("push", repo + ":v1", sbom + ":application/spdx+json", "--artifact-type",
                "application/spdx+json", "--plain-http");
        assertEquals(0, pushed.exit(), pushed.toString());
        String digest = pushed.out().trim();
        assertEquals(digest, Cli.run("resolve", repo + ":v1", "--plain-http").out().trim());
        assertEquals(0, Cli.run("tag", repo + ":v1", "stable", "--plain-http").exit());
        assertEquals("stable\nv1\n", Cli.run("tags", repo, "--plain-http").out());

        Path sig = Files.writeString(tmp.resolve("sig.json"), "{\"signature\":\"yes\"}");
        Cli.Result attached = Cli.run("attach", repo + ":v1", sig + ":application/json", "--artifact-type",
                "application/vnd.example.signature", "--plain-http");
        assertEquals(0, attached.exit(), attached.toString());
        JsonNode referrers = ModelJson.mapper().readTree(Cli.run("discover", repo + ":v1", "--plain-http", "--format",
                "json").out());
        assertEquals(attached.out().trim(), referrers.get("manifests").get(0).get("digest").asText());

        Path out = tmp.resolve("pulled-" + repo.hashCode());
        assertEquals(0, Cli.run("pull", repo + ":stable", "-o", out.toString(), "--plain-http").exit());
        assertArrayEquals(Files.readAllBytes(sbom), Files.readAllBytes(out.resolve("sbom.spdx.json")));

        assertEquals(0, Cli.run("detach", repo + "@" + attached.out().trim(), "--plain-http").exit());
        JsonNode after = ModelJson.mapper().readTree(Cli.run("discover", repo + ":v1", "--plain-http", "--format",
                "json").out());
        assertEquals(0, after.get("manifests").size(), "detached: no referrer listed any more");
        return digest;
    }

    @Test
    void toDistributionWhichKeepsReferrersUnderTheFallbackTagAndDoesNotDeleteTags() throws Exception {
        registry = Distribution.start(tmp, "");
        String repo = registry.host() + "/team/sbom";
        String digest = pushTagAttach(repo);
        assertTrue(Cli.run("tags", repo, "--plain-http").out().contains(digest.replace(':', '-')),
                "no referrers API: the fallback tag");
        Cli.Result untag = Cli.run("untag", repo + ":stable", "--plain-http");
        CliTest.assertOneLineError(untag, 1, "does not delete team/sbom:stable");
    }

    @Test
    void toServeWhichIndexesReferrersAndDeletesTags() throws Exception {
        try (RegistryServer server = RegistryServer.start(new RegistryServer.Options(tmp.resolve("served"),
                new InetSocketAddress("127.0.0.1", 0), false, 8, LayoutOptions.defaults()))) {
            String repo = "127.0.0.1:" + server.address().getPort() + "/team/sbom";
            pushTagAttach(repo);
            assertEquals(0, Cli.run("untag", repo + ":stable", "--plain-http").exit());
            assertEquals("v1\n", Cli.run("tags", repo, "--plain-http").out());
            assertEquals(0, Cli.run("fsck", tmp.resolve("served/team/sbom").toString()).exit());
        }
    }
}
