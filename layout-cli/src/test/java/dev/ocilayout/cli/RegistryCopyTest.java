package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.serve.RegistryServer;
import dev.ocilayout.testing.PeerTools;
import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code copy} between layouts and registries: the distribution registry from Debian (2.8, no referrers API,
 * so referrers travel under the fallback tag), started on 127.0.0.1 by the test; and {@code oci-layout serve},
 * which has the referrers API.
 */
class RegistryCopyTest {
    @TempDir
    Path tmp;
    Process registry;

    @AfterEach
    void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.destroy();
            registry.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Starts docker-registry with filesystem storage in the temp folder; returns host:port. */
    String startDistribution() throws Exception {
        PeerTools.require("docker-registry");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = Files.writeString(tmp.resolve("registry.yml"), "version: 0.1\nlog:\n  level: error\nstorage:\n"
                + "  filesystem:\n    rootdirectory: " + tmp.resolve("registry-data") + "\n  delete:\n    enabled: true\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n");
        registry = new ProcessBuilder(PeerTools.find("docker-registry").toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("registry.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return "127.0.0.1:" + port;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("docker-registry did not start: " + Files.readString(tmp.resolve("registry.log")));
    }

    /** An umoci image with a signature and an SBOM attached. */
    Path imageWithReferrers() throws Exception {
        Path layout = InteropTest.umociImage(tmp);
        Path sig = Files.writeString(tmp.resolve("sig.json"), "{\"signature\":\"yes\"}");
        assertEquals(0, Cli.run("attach", layout + ":v1", sig + ":application/vnd.example.sig+json",
                "--artifact-type", "application/vnd.example.signature").exit());
        assertEquals(0, Cli.run("attach", layout + ":v1", TestData.dir().resolve("files/sbom.spdx.json")
                + ":application/spdx+json", "--artifact-type", "application/spdx+json").exit());
        return layout;
    }

    static List<String> referrerTypes(Path layout, String tag) throws Exception {
        JsonNode r = ModelJson.mapper().readTree(Cli.run("discover", layout + ":" + tag, "--format", "json").out());
        return r.get("manifests").findValuesAsText("artifactType").stream().sorted().toList();
    }

    static String digest(Path layout, String tag) {
        return Cli.run("resolve", layout + ":" + tag).out().trim();
    }

    @Test
    void anImageWithReferrersGoesToTheDistributionRegistryAndBackViaTheFallbackTag() throws Exception {
        String host = startDistribution();
        Path src = imageWithReferrers();
        Cli.Result push = Cli.run("copy", src + ":v1", host + "/team/app:v1", "--plain-http", "--referrers");
        assertEquals(0, push.exit(), push.toString());

        PeerTools.Result inspect = PeerTools.run(tmp, "skopeo", "inspect", "--tls-verify=false", "docker://" + host + "/team/app:v1");
        inspect.assertOk("skopeo inspect");
        assertEquals(digest(src, "v1"), ModelJson.mapper().readTree(inspect.stdout()).get("Digest").asText());
        HttpResponse<String> tags = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + host + "/v2/team/app/tags/list")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(tags.body().contains("\"sha256-" + digest(src, "v1").substring(7) + "\""), "fallback tag: " + tags.body());

        Path back = tmp.resolve("back");
        Cli.Result pull = Cli.run("copy", "docker://" + host + "/team/app:v1", back.toString(), "--plain-http", "--referrers");
        assertEquals(0, pull.exit(), pull.toString());
        assertEquals(digest(src, "v1"), digest(back, "v1"));
        assertEquals(List.of("application/spdx+json", "application/vnd.example.signature"), referrerTypes(back, "v1"));
        assertEquals(0, Cli.run("fsck", back.toString()).exit());
    }

    @Test
    void aRerunSkipsWhatIsAlreadyThere() throws Exception {
        String host = startDistribution();
        Path src = InteropTest.umociImage(tmp);
        assertEquals(0, Cli.run("copy", src + ":v1", host + "/app:v1", "--plain-http").exit());
        Cli.Result again = Cli.run("copy", src + ":v1", host + "/app:v1", "--plain-http", "--format", "json");
        JsonNode r = ModelJson.mapper().readTree(again.out());
        assertEquals(0, r.get("bytes").asLong(), again.out());
        Path back = tmp.resolve("back");
        assertEquals(0, Cli.run("copy", host + "/app:v1", back.toString(), "--plain-http").exit());
        JsonNode second = ModelJson.mapper().readTree(Cli.run("copy", host + "/app:v1", back.toString(), "--plain-http",
                "--format", "json").out());
        assertEquals(0, second.get("bytes").asLong());
    }

    @Test
    void referrersGoThroughTheReferrersApiOfServe() throws Exception {
        Path src = imageWithReferrers();
        try (RegistryServer server = RegistryServer.start(new RegistryServer.Options(tmp.resolve("served"),
                new InetSocketAddress("127.0.0.1", 0), false, 8, LayoutOptions.defaults()))) {
            String host = "127.0.0.1:" + server.address().getPort();
            assertEquals(0, Cli.run("copy", src + ":v1", host + "/team/app:v1", "--plain-http", "--referrers").exit());
            Path served = tmp.resolve("served/team/app");
            assertEquals(List.of("application/spdx+json", "application/vnd.example.signature"), referrerTypes(served, "v1"));
            assertFalse(Cli.run("tags", served.toString()).out().contains("sha256-"), "the API indexed them: no fallback tag");
            Path back = tmp.resolve("back");
            assertEquals(0, Cli.run("copy", host + "/team/app:v1", back.toString(), "--plain-http", "--referrers").exit());
            assertEquals(List.of("application/spdx+json", "application/vnd.example.signature"), referrerTypes(back, "v1"));
        }
    }

    @Test
    void aMissingImageAndAnUnreachableRegistryAreClearErrors() throws Exception {
        String host = startDistribution();
        Cli.Result missing = Cli.run("copy", host + "/nope:v1", tmp.resolve("x").toString(), "--plain-http");
        assertEquals(3, missing.exit(), missing.toString());
        assertTrue(missing.err().startsWith("oci-layout: " + host + "/nope:v1 not found"), missing.err());
        Cli.Result unreachable = Cli.run("copy", "127.0.0.1:1/nope:v1", tmp.resolve("x").toString(), "--plain-http");
        assertEquals(1, unreachable.exit(), unreachable.toString());
        assertTrue(unreachable.err().startsWith("oci-layout: cannot reach 127.0.0.1:1"), unreachable.err());
    }
}
