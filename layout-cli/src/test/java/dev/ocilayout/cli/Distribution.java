package dev.ocilayout.cli;

import dev.ocilayout.testing.PeerTools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Debian's docker-registry (distribution 2.8) on 127.0.0.1, with filesystem storage in a test's folder. */
final class Distribution implements AutoCloseable {
    private final Process process;
    private final String host;

    private Distribution(Process process, String host) {
        this.process = process;
        this.host = host;
    }

    /** Starts it (skipped, or failed in CI, where docker-registry is missing); {@code extraConfig} is YAML. */
    static Distribution start(Path dir, String extraConfig) throws Exception {
        PeerTools.require("docker-registry");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("registry.yml"), "version: 0.1\nlog:\n  level: error\nstorage:\n"
                + "  filesystem:\n    rootdirectory: " + dir.resolve("registry-data") + "\n  delete:\n    enabled: true\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n" + extraConfig);
        Process p = new ProcessBuilder(PeerTools.find("docker-registry").toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return new Distribution(p, "127.0.0.1:" + port);
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroy();
        throw new AssertionError("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
    }

    /** {@code 127.0.0.1:PORT}. */
    String host() {
        return host;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
