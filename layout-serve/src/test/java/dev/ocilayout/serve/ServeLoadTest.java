package dev.ocilayout.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.store.Tags;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve under bounded load, on the real file system: 64 clients pull one 100 MiB blob at once and each gets
 * it whole (hashed), 16 clients push images into one repository at once and every tag lands; afterwards
 * every layout under the root is clean by fsck.
 */
class ServeLoadTest {
    @TempDir
    Path root;

    @Test
    void sixtyFourPullsOfA100MiBBlobAndSixteenPushesIntoOneRepositoryLeaveEveryLayoutClean() throws Exception {
        Layout layout = Layout.create(root.resolve("load/big"));
        byte[] chunk = new byte[1 << 20];
        new Random(100).nextBytes(chunk);
        Path file = root.getParent().resolve(root.getFileName() + "-100m.bin");
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 100; i++) {
                out.write(chunk);
            }
        }
        Descriptor blob;
        try (InputStream in = Files.newInputStream(file)) {
            blob = layout.blobs().put(in, MediaType.OCTET_STREAM, null);
        }
        Files.delete(file);
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(8)).build();
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try (RegistryServer server = RegistryServer.start(new RegistryServer.Options(root,
                new InetSocketAddress("127.0.0.1", 0), false, 64, LayoutOptions.defaults()))) {
            String base = "http://127.0.0.1:" + server.address().getPort();
            List<Future<Digest>> pulls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                pulls.add(pool.submit(() -> {
                    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/load/big/blobs/"
                            + blob.digest())).build(), HttpResponse.BodyHandlers.ofInputStream());
                    assertEquals(200, r.statusCode());
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[1 << 16];
                    try (InputStream in = r.body()) {
                        for (int n; (n = in.read(buf)) >= 0; ) {
                            md.update(buf, 0, n);
                        }
                    }
                    return Digest.of(dev.ocilayout.digest.DigestAlgorithm.SHA256, md.digest());
                }));
            }
            List<Future<Integer>> pushes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                pushes.add(pool.submit(() -> push(http, base, "load/pushed", n)));
            }
            for (Future<Digest> f : pulls) {
                assertEquals(blob.digest(), f.get(), "every pull gets the whole blob");
            }
            for (Future<Integer> f : pushes) {
                assertEquals(201, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(16, Tags.list(Layout.open(root.resolve("load/pushed")).index().read()).size());
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(p -> Files.isRegularFile(p.resolve("oci-layout"))).toList()) {
                Fsck.Report r = Fsck.check(Layout.open(p), 2, null);
                assertEquals(0, r.count(Finding.Severity.ERROR), p + ": " + r.findings());
            }
        }
    }

    /** Pushes a 1 MiB layer in three chunks, its config and a manifest tagged {@code t<n>}. */
    static int push(HttpClient http, String base, String repository, int n) throws Exception {
        byte[] layer = new byte[1 << 20];
        new Random(n).nextBytes(layer);
        String location = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                .headers().firstValue("Location").orElseThrow();
        int third = layer.length / 3;
        for (int[] part : new int[][] {{0, third}, {third, 2 * third}, {2 * third, layer.length}}) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + location))
                    .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(layer, part[0], part[1] - part[0]))
                    .header("Content-Range", part[0] + "-" + (part[1] - 1)).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(202, r.statusCode());
            location = r.headers().firstValue("Location").orElseThrow();
        }
        Digest layerDigest = Digest.sha256(layer);
        assertEquals(201, http.send(HttpRequest.newBuilder(URI.create(base + location + (location.contains("?") ? "&" : "?")
                + "digest=" + layerDigest)).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
        http.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repository + "/blobs/uploads/?digest="
                + Digest.sha256(config))).POST(HttpRequest.BodyPublishers.ofByteArray(config)).build(),
                HttpResponse.BodyHandlers.discarding());
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaType.OCI_CONFIG + "\",\"digest\":\"" + Digest.sha256(config) + "\",\"size\":" + config.length
                + "},\"layers\":[{\"mediaType\":\"" + MediaType.OCI_LAYER + "\",\"digest\":\"" + layerDigest + "\",\"size\":"
                + layer.length + "}]}";
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v2/" + repository + "/manifests/t" + n))
                .header("Content-Type", MediaType.OCI_MANIFEST)
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
