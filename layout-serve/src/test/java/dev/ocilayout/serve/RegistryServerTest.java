package dev.ocilayout.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.LayoutBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution-spec endpoints of {@link RegistryServer}, request by request: status codes, headers and
 * the spec's error bodies. (skopeo pushing into and pulling from the server: {@code ServeInteropTest}.)
 */
class RegistryServerTest {
    @TempDir
    Path root;
    RegistryServer server;
    Layout app;
    Descriptor image;
    Descriptor sbom;
    HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        app = Layout.create(root.resolve("team/app"));
        LayoutBuilder b = new LayoutBuilder(app);
        image = b.image("app", "layer one", "layer two");
        b.tag("v1", image);
        b.tag("v2", image);
        b.tag("v3", image);
        sbom = b.referrer(image, "application/spdx+json", "{\"spdx\":true}");
        b.untagged(sbom);
        server = start(false);
    }

    RegistryServer start(boolean readOnly) throws IOException {
        return RegistryServer.start(new RegistryServer.Options(root, new InetSocketAddress("127.0.0.1", 0), readOnly, 8,
                LayoutOptions.defaults()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.address().getPort() + path;
    }

    HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            r.headers(headers);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return ModelJson.mapper().readTree(r.body());
    }

    /** Asserts the spec's error body: {"errors":[{"code":CODE,"message":...}]}. */
    static void assertError(HttpResponse<byte[]> r, int status, String code) throws IOException {
        assertEquals(status, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode e = json(r).get("errors").get(0);
        assertEquals(code, e.get("code").asText());
        assertFalse(e.get("message").asText().isEmpty());
    }

    @Test
    void theBaseEndpointAnswersWithTheApiVersion() throws Exception {
        HttpResponse<byte[]> r = send("GET", "/v2/", null);
        assertEquals(200, r.statusCode());
        assertEquals("registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version").orElse(""));
    }

    @Test
    void aManifestByTagOrDigestComesAsStoredWithItsDigestAndType() throws Exception {
        byte[] stored = app.readManifestBytes(image);
        for (String ref : List.of("v1", image.digest().toString())) {
            HttpResponse<byte[]> r = send("GET", "/v2/team/app/manifests/" + ref, null);
            assertEquals(200, r.statusCode());
            assertTrue(java.util.Arrays.equals(stored, r.body()));
            assertEquals(image.digest().toString(), r.headers().firstValue("Docker-Content-Digest").orElse(""));
            assertEquals(MediaType.OCI_MANIFEST, r.headers().firstValue("Content-Type").orElse(""));
        }
        HttpResponse<byte[]> head = send("HEAD", "/v2/team/app/manifests/v1", null);
        assertEquals(200, head.statusCode());
        assertEquals(Integer.toString(stored.length), head.headers().firstValue("Content-Length").orElse(""));
    }

    @Test
    void unknownThingsGetTheSpecsErrorCodes() throws Exception {
        assertError(send("GET", "/v2/team/app/manifests/nope", null), 404, "MANIFEST_UNKNOWN");
        assertError(send("GET", "/v2/team/other/manifests/v1", null), 404, "NAME_UNKNOWN");
        assertError(send("GET", "/v2/team/app/blobs/sha256:" + "0".repeat(64), null), 404, "BLOB_UNKNOWN");
        assertError(send("GET", "/v2/team/app/blobs/sha256:..", null), 400, "DIGEST_INVALID");
        assertError(send("GET", "/v2/team/app/blobs/sha256:..%2F..%2Fetc", null), 400, "UNSUPPORTED"); // refused by Jetty
        assertError(send("GET", "/v2/Team/App/manifests/v1", null), 400, "NAME_INVALID");
        assertError(send("GET", "/v2/team/app/blobs/uploads/no-such-upload", null), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(send("POST", "/v2/team/app/manifests/v1", new byte[0]), 405, "UNSUPPORTED");
    }

    @Test
    void aBlobIsServedWholeOrByRange() throws Exception {
        Descriptor layer = ((dev.ocilayout.model.ImageManifest) app.readManifest(image)).layers().get(0);
        HttpResponse<byte[]> whole = send("GET", "/v2/team/app/blobs/" + layer.digest(), null);
        assertEquals(200, whole.statusCode());
        assertEquals("layer one", new String(whole.body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> part = send("GET", "/v2/team/app/blobs/" + layer.digest(), null, "Range", "bytes=6-8");
        assertEquals(206, part.statusCode());
        assertEquals("one", new String(part.body(), StandardCharsets.UTF_8));
        assertEquals("bytes 6-8/9", part.headers().firstValue("Content-Range").orElse(""));
        assertEquals(416, send("GET", "/v2/team/app/blobs/" + layer.digest(), null, "Range", "bytes=20-30").statusCode());
    }

    @Test
    void aChunkedUploadIsVerifiedAndPublishedOnlyAtItsEnd() throws Exception {
        byte[] content = "a blob in two chunks".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256(content);
        HttpResponse<byte[]> start = send("POST", "/v2/team/app/blobs/uploads/", null);
        assertEquals(202, start.statusCode());
        String location = start.headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> first = send("PATCH", location, java.util.Arrays.copyOf(content, 8), "Content-Range", "0-7");
        assertEquals(202, first.statusCode());
        assertEquals("0-7", first.headers().firstValue("Range").orElse(""));
        assertError(send("PATCH", location, new byte[] {'x'}, "Content-Range", "3-3"), 416, "BLOB_UPLOAD_INVALID");
        assertFalse(app.blobs().exists(digest), "nothing is published before the end");
        HttpResponse<byte[]> done = send("PUT", location + "?digest=" + digest,
                java.util.Arrays.copyOfRange(content, 8, content.length));
        assertEquals(201, done.statusCode());
        assertEquals("/v2/team/app/blobs/" + digest, done.headers().firstValue("Location").orElse(""));
        assertTrue(app.blobs().exists(digest));
    }

    @Test
    void aRefusedRequestWhoseBodyArrivesLateLeavesTheConnectionUsable() throws Exception {
        String location = send("POST", "/v2/team/app/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.address().getPort())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: x\r\nContent-Range: 5-9\r\nContent-Length: 5\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300); // the server refuses the range before the body is there
            out.write("later".getBytes(StandardCharsets.US_ASCII));
            out.write("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            List<String> statuses = new java.util.ArrayList<>();
            for (String line; statuses.size() < 2 && (line = in.readLine()) != null; ) {
                // a status line may follow the body before it on the same line (bodies end without a newline)
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(line);
                while (m.find()) {
                    statuses.add(m.group(1));
                }
            }
            assertEquals(List.of("416", "200"), statuses, "the second request is answered on the same connection");
        }
    }

    @Test
    void anUploadWhoseDigestDoesNotMatchLeavesNothing() throws Exception {
        Digest wrong = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        assertError(send("POST", "/v2/team/app/blobs/uploads/?digest=" + wrong, "the bytes".getBytes(StandardCharsets.UTF_8)),
                400, "DIGEST_INVALID");
        assertFalse(app.blobs().exists(wrong));
        assertFalse(app.blobs().exists(Digest.sha256("the bytes".getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of(), ingestFiles());
    }

    @Test
    void anUploadCutOffByTheServerStoppingNeverBecomesABlob() throws Exception {
        String location = send("POST", "/v2/team/app/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        byte[] half = "half of a blob".getBytes(StandardCharsets.UTF_8);
        assertEquals(202, send("PATCH", location, half).statusCode());
        server.close();
        assertFalse(app.blobs().exists(Digest.sha256(half)));
        assertEquals(List.of(), ingestFiles(), "the temp file is gone");
        assertTrue(Fsck.check(app, 2, null).clean());
        server = start(false);
    }

    List<Path> ingestFiles() throws IOException {
        try (Stream<Path> s = Files.list(app.root().resolve("ingest"))) {
            return s.toList();
        }
    }

    @Test
    void aManifestPushNeedsItsBlobsAndTagsTheLayout() throws Exception {
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaType.OCI_CONFIG + "\",\"digest\":\"" + Digest.sha256(config) + "\",\"size\":" + config.length
                + "},\"layers\":[]}";
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        assertError(send("PUT", "/v2/team/new/manifests/v1", bytes, "Content-Type", MediaType.OCI_MANIFEST), 400,
                "MANIFEST_BLOB_UNKNOWN");
        assertEquals(201, send("POST", "/v2/team/new/blobs/uploads/?digest=" + Digest.sha256(config), config).statusCode());
        HttpResponse<byte[]> put = send("PUT", "/v2/team/new/manifests/v1", bytes, "Content-Type", MediaType.OCI_MANIFEST);
        assertEquals(201, put.statusCode());
        assertEquals(Digest.sha256(bytes).toString(), put.headers().firstValue("Docker-Content-Digest").orElse(""));
        assertEquals(Digest.sha256(bytes), Layout.open(root.resolve("team/new")).resolveTag("v1").digest());
        assertError(send("PUT", "/v2/team/new/manifests/v2", "{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}"
                .getBytes(StandardCharsets.UTF_8)), 400, "MANIFEST_INVALID");
        assertError(send("PUT", "/v2/team/new/manifests/sha256:" + "0".repeat(64), bytes, "Content-Type",
                MediaType.OCI_MANIFEST), 400, "DIGEST_INVALID");
    }

    @Test
    void aReferrerPushIsRecordedAndAnsweredByTheReferrersApi() throws Exception {
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        String sig = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"artifactType\":"
                + "\"application/vnd.example.sig\",\"config\":{\"mediaType\":\"" + MediaType.OCI_EMPTY + "\",\"digest\":\""
                + Digest.EMPTY_JSON + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + MediaType.OCI_EMPTY + "\",\"digest\":\""
                + Digest.EMPTY_JSON + "\",\"size\":2}],\"subject\":{\"mediaType\":\"" + MediaType.OCI_MANIFEST
                + "\",\"digest\":\"" + image.digest() + "\",\"size\":" + image.size() + "}}";
        assertEquals(201, send("POST", "/v2/team/app/blobs/uploads/?digest=" + Digest.EMPTY_JSON, empty).statusCode());
        byte[] bytes = sig.getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> put = send("PUT", "/v2/team/app/manifests/" + Digest.sha256(bytes), bytes,
                "Content-Type", MediaType.OCI_MANIFEST);
        assertEquals(201, put.statusCode());
        assertEquals(image.digest().toString(), put.headers().firstValue("OCI-Subject").orElse(""));

        HttpResponse<byte[]> all = send("GET", "/v2/team/app/referrers/" + image.digest(), null);
        assertEquals(200, all.statusCode());
        assertEquals(MediaType.OCI_INDEX, all.headers().firstValue("Content-Type").orElse(""));
        assertEquals(2, json(all).get("manifests").size());
        HttpResponse<byte[]> sigs = send("GET", "/v2/team/app/referrers/" + image.digest()
                + "?artifactType=application/vnd.example.sig", null);
        assertEquals("artifactType", sigs.headers().firstValue("OCI-Filters-Applied").orElse(""));
        assertEquals(List.of(Digest.sha256(bytes).toString()), json(sigs).get("manifests").findValuesAsText("digest"));
        HttpResponse<byte[]> none = send("GET", "/v2/team/app/referrers/sha256:" + "0".repeat(64), null);
        assertEquals(0, json(none).get("manifests").size());
    }

    @Test
    void tagsAndTheCatalogArePaginated() throws Exception {
        HttpResponse<byte[]> first = send("GET", "/v2/team/app/tags/list?n=2", null);
        assertEquals(List.of("v1", "v2"), toList(json(first).get("tags")));
        assertEquals("</v2/team/app/tags/list?n=2&last=v2>; rel=\"next\"", first.headers().firstValue("Link").orElse(""));
        HttpResponse<byte[]> second = send("GET", "/v2/team/app/tags/list?n=2&last=v2", null);
        assertEquals(List.of("v3"), toList(json(second).get("tags")));
        assertTrue(second.headers().firstValue("Link").isEmpty());
        Layout.create(root.resolve("other"));
        assertEquals(List.of("other", "team/app"), toList(json(send("GET", "/v2/_catalog", null)).get("repositories")));
    }

    static List<String> toList(JsonNode array) {
        List<String> l = new java.util.ArrayList<>();
        array.forEach(n -> l.add(n.asText()));
        return l;
    }

    @Test
    void deletingATagUntagsAndDeletingADigestUnlistsIt() throws Exception {
        assertEquals(202, send("DELETE", "/v2/team/app/manifests/v3", null).statusCode());
        assertEquals(List.of("v1", "v2"), toList(json(send("GET", "/v2/team/app/tags/list", null)).get("tags")));
        assertEquals(202, send("DELETE", "/v2/team/app/manifests/" + image.digest(), null).statusCode());
        assertEquals(List.of(), toList(json(send("GET", "/v2/team/app/tags/list", null)).get("tags")));
        assertError(send("DELETE", "/v2/team/app/manifests/v1", null), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void deletingAManifestThatCannotBeReadIsRefusedAndChangesNothing() throws Exception {
        // the stored manifest became a FIFO: whether by tag or by digest, DELETE would leave what only it
        // referenced to gc, so it is refused (fail closed), naming no path of the server's
        java.nio.file.Path blob = app.files().blob(image.digest());
        java.nio.file.Files.delete(blob);
        assertEquals(0, new ProcessBuilder("mkfifo", blob.toString()).inheritIO().start().waitFor());
        byte[] index = java.nio.file.Files.readAllBytes(app.files().indexJson());
        HttpResponse<byte[]> byTag = send("DELETE", "/v2/team/app/manifests/v3", null);
        assertError(byTag, 409, "DENIED");
        String message = json(byTag).get("errors").get(0).get("message").asText();
        assertTrue(message.contains("cannot be read") && message.contains(image.digest().toString()), message);
        assertFalse(message.contains(root.toString()), "no server path: " + message);
        assertError(send("DELETE", "/v2/team/app/manifests/" + image.digest(), null), 409, "DENIED");
        assertArrayEquals(index, java.nio.file.Files.readAllBytes(app.files().indexJson()));
    }

    @Test
    void aCrossRepositoryMountLinksTheBlobWithoutAnUpload() throws Exception {
        Descriptor layer = ((dev.ocilayout.model.ImageManifest) app.readManifest(image)).layers().get(0);
        HttpResponse<byte[]> r = send("POST", "/v2/copy/blobs/uploads/?mount=" + layer.digest() + "&from=team/app", null);
        assertEquals(201, r.statusCode());
        assertTrue(Layout.open(root.resolve("copy")).blobs().exists(layer.digest()));
        HttpResponse<byte[]> unknown = send("POST", "/v2/copy/blobs/uploads/?mount=sha256:" + "0".repeat(64) + "&from=team/app", null);
        assertEquals(202, unknown.statusCode(), "falls back to an upload session");
    }

    @Test
    void aReadOnlyServerRefusesEveryWrite() throws Exception {
        server.close();
        server = start(true);
        assertError(send("POST", "/v2/team/app/blobs/uploads/", null), 405, "UNSUPPORTED");
        assertError(send("DELETE", "/v2/team/app/manifests/v1", null), 405, "UNSUPPORTED");
        assertEquals(200, send("GET", "/v2/team/app/manifests/v1", null).statusCode());
    }

    @Test
    void aSingleLayoutIsServedUnderItsFolderName() throws Exception {
        server.close();
        server = RegistryServer.start(new RegistryServer.Options(root.resolve("team/app"),
                new InetSocketAddress("127.0.0.1", 0), false, 4, LayoutOptions.defaults()));
        assertEquals(200, send("GET", "/v2/app/manifests/v1", null).statusCode());
        assertEquals(List.of("app"), toList(json(send("GET", "/v2/_catalog", null)).get("repositories")));
        assertError(send("POST", "/v2/elsewhere/blobs/uploads/", null), 403, "DENIED");
    }

    @Test
    void openUploadSessionsAreBoundedAndCancellingFreesThem() throws Exception {
        List<String> locations = new java.util.ArrayList<>();
        for (int i = 0; i < RegistryServer.Limits.defaults().perClient(); i++) {
            HttpResponse<byte[]> r = send("POST", "/v2/team/app/blobs/uploads/", null);
            assertEquals(202, r.statusCode());
            locations.add(r.headers().firstValue("Location").orElseThrow());
        }
        assertError(send("POST", "/v2/team/app/blobs/uploads/", null), 429, "TOOMANYREQUESTS");
        assertEquals(204, send("DELETE", locations.get(0), null).statusCode());
        assertEquals(202, send("POST", "/v2/team/app/blobs/uploads/", null).statusCode());
        server.close();
        assertEquals(List.of(), ingestFiles(), "every session's temp file is gone once the server stops");
        server = start(false);
    }

    @Test
    void manyConcurrentPullsAllGetTheWholeBlob() throws Exception {
        byte[] big = new byte[3 << 20];
        new java.util.Random(7).nextBytes(big);
        Descriptor blob = app.blobs().put(big, MediaType.OCI_LAYER);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(32);
        try {
            List<java.util.concurrent.Future<byte[]>> pulls = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                pulls.add(pool.submit(() -> send("GET", "/v2/team/app/blobs/" + blob.digest(), null).body()));
            }
            for (java.util.concurrent.Future<byte[]> f : pulls) {
                assertEquals(blob.digest(), Digest.sha256(f.get()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentPushesToOneRepositoryLoseNoTag() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<Integer>> pushes = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) {
                int n = i;
                pushes.add(pool.submit(() -> {
                    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":" + n + "}")
                            .getBytes(StandardCharsets.UTF_8);
                    send("POST", "/v2/team/busy/blobs/uploads/?digest=" + Digest.sha256(config), config);
                    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST
                            + "\",\"config\":{\"mediaType\":\"" + MediaType.OCI_CONFIG + "\",\"digest\":\""
                            + Digest.sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[]}")
                            .getBytes(StandardCharsets.UTF_8);
                    return send("PUT", "/v2/team/busy/manifests/t" + n, manifest, "Content-Type", MediaType.OCI_MANIFEST)
                            .statusCode();
                }));
            }
            for (java.util.concurrent.Future<Integer> f : pushes) {
                assertEquals(201, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(32, toList(json(send("GET", "/v2/team/busy/tags/list", null)).get("tags")).size());
        assertTrue(Fsck.check(Layout.open(root.resolve("team/busy")), 2, null).clean());
    }
}
