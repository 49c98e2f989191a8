package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.serve.RegistryServer;
import dev.ocilayout.testing.PeerTools;
import dev.ocilayout.testing.TestData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oci-layout serve} with a real client: skopeo (from Debian) pushes an umoci-built image into the
 * server and pulls it back, and reads a layout we serve read-only; the command itself starts, answers and
 * stops as a process.
 */
class ServeInteropTest {
    @TempDir
    Path tmp;

    static RegistryServer serve(Path root, boolean readOnly) throws Exception {
        return RegistryServer.start(new RegistryServer.Options(root, new InetSocketAddress("127.0.0.1", 0), readOnly, 16,
                LayoutOptions.defaults()));
    }

    static String host(RegistryServer s) {
        return "127.0.0.1:" + s.address().getPort();
    }

    static String digestOf(Path layout, String tag) throws Exception {
        return Cli.run("resolve", layout + ":" + tag).out().trim();
    }

    @Test
    void skopeoPushesAnImageIntoServeAndPullsItBack() throws Exception {
        PeerTools.require("skopeo");
        Path umoci = InteropTest.umociImage(tmp);
        Path root = tmp.resolve("registry");
        try (RegistryServer server = serve(root, false)) {
            String image = "docker://" + host(server) + "/team/app:v1";
            PeerTools.run(tmp, "skopeo", "copy", "--dest-tls-verify=false", "oci:" + umoci + ":v1", image)
                    .assertOk("skopeo copy into serve");
            Path stored = root.resolve("team/app");
            assertEquals(0, Cli.run("fsck", stored.toString()).exit(), "the pushed layout is clean");
            assertEquals(digestOf(umoci, "v1"), digestOf(stored, "v1"), "same manifest, byte for byte");

            PeerTools.Result inspect = PeerTools.run(tmp, "skopeo", "inspect", "--tls-verify=false", image);
            inspect.assertOk("skopeo inspect");
            JsonNode info = ModelJson.mapper().readTree(inspect.stdout());
            assertEquals(digestOf(umoci, "v1"), info.get("Digest").asText());

            Path pulled = tmp.resolve("pulled");
            PeerTools.run(tmp, "skopeo", "copy", "--src-tls-verify=false", image, "oci:" + pulled + ":v1")
                    .assertOk("skopeo copy from serve");
            assertEquals(digestOf(umoci, "v1"), digestOf(pulled, "v1"));
            InteropTest.assertWeReadIt(pulled, "v1");
        }
    }

    @Test
    void skopeoPullsFromALayoutServedReadOnlyAndCannotPush() throws Exception {
        PeerTools.require("skopeo");
        Path layout = InteropTest.umociImage(tmp);
        try (RegistryServer server = serve(layout, true)) {
            String image = "docker://" + host(server) + "/umoci-layout:v1";
            Path pulled = tmp.resolve("pulled");
            PeerTools.run(tmp, "skopeo", "copy", "--src-tls-verify=false", image, "oci:" + pulled + ":v1")
                    .assertOk("skopeo copy from a read-only serve");
            assertEquals(digestOf(layout, "v1"), digestOf(pulled, "v1"));
            PeerTools.Result push = PeerTools.run(tmp, "skopeo", "copy", "--dest-tls-verify=false", "oci:" + pulled + ":v1",
                    "docker://" + host(server) + "/umoci-layout:again");
            assertTrue(push.exitCode() != 0, "a read-only server refuses the push");
        }
    }

    @Test
    void theServeCommandLogsEachRequestAsJsonOnStderr() throws Exception {
        Path root = TestData.copy("example-layout", tmp.resolve("root/example"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", tmp.resolve("root").toString(),
                "--listen", "127.0.0.1:0", "--log-format", "json"));
        Process p = new ProcessBuilder(cmd).start();
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            String base = line.substring(line.indexOf("http://"));
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/v2/example/tags/list")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String log = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8)).readLine();
            JsonNode entry = ModelJson.mapper().readTree(log);
            assertEquals("GET", entry.get("method").asText());
            assertEquals("/v2/example/tags/list", entry.get("path").asText());
            assertEquals(200, entry.get("status").asInt());
            assertEquals("127.0.0.1", entry.get("client").asText());
            assertTrue(entry.get("bytes").asLong() > 0 && entry.has("time") && entry.has("durationMs"), log);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stops on SIGTERM");
        }
    }

    @Test
    void theServeCommandRunsUntilStopped() throws Exception {
        Path root = TestData.copy("example-layout", tmp.resolve("root/example"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", tmp.resolve("root").toString(),
                "--listen", "127.0.0.1:0"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertTrue(line != null && line.startsWith("Serving " + tmp.resolve("root") + " on http://127.0.0.1:"), line);
            String base = line.substring(line.indexOf("http://"));
            HttpResponse<String> tags = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base + "/v2/example/tags/list")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("{\"name\":\"example\",\"tags\":[\"latest\",\"v1\"]}", tags.body());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "stops on SIGTERM");
        }
    }
}
