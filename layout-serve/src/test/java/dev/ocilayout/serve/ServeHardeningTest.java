package dev.ocilayout.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.LayoutBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile or careless client can try against serve: names that reach into a layout, squatting,
 * holding every upload session, malformed digests, ranges and Content-Range, and error bodies that would
 * reveal the server's folders. Each answer is the distribution-spec's status and code, and no layout
 * under the root is left damaged ({@code fsck} clean).
 */
class ServeHardeningTest {
    @TempDir
    Path root;
    RegistryServer server;
    Layout multi;
    Descriptor image;
    final List<RegistryServer.LogEntry> log = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        multi = Layout.create(root.resolve("test/multi"));
        LayoutBuilder b = new LayoutBuilder(multi);
        image = b.image("multi", "layer");
        b.tag("v1", image);
        server = start(RegistryServer.Limits.defaults(), null);
    }

    RegistryServer start(RegistryServer.Limits limits, Path htpasswd) throws IOException {
        return RegistryServer.start(new RegistryServer.Options(root, new InetSocketAddress("127.0.0.1", 0), false, 8,
                LayoutOptions.defaults(), null, null, htpasswd).withLimits(limits).withLog(log::add));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) throws Exception {
        return Http.send(server, method, path, body, headers);
    }

    static JsonNode error(HttpResponse<byte[]> r, int status, String code) throws IOException {
        return Http.error(r, status, code);
    }

    void assertEveryLayoutClean() throws IOException {
        List<Path> layouts;
        try (var all = Files.walk(root)) {
            layouts = all.filter(p -> Files.isRegularFile(p.resolve("oci-layout"))).toList();
        }
        for (Path p : layouts) {
            Fsck.Report r = Fsck.check(Layout.open(p), 2, null);
            assertEquals(0, r.count(Finding.Severity.ERROR), p + ": " + r.findings());
            assertEquals(0, r.count(Finding.Severity.WARNING), p + ": " + r.findings());
        }
    }

    // ------------------------------------------------------------------ names

    @ParameterizedTest
    @ValueSource(strings = {"test/multi/blobs", "test/multi/ingest", "test/multi/blobs/sha256", "trap/oci-layout",
        "trap2/index.json", "test/multi/index.json", "blobs/x", "a/ingest/b"})
    void aNameThatWouldReachALayoutsOwnContentIsInvalidNeverAServerError(String name) throws Exception {
        byte[] index = Files.readAllBytes(multi.files().indexJson());
        for (String[] request : List.of(new String[] {"POST", "/v2/" + name + "/blobs/uploads/"},
                new String[] {"GET", "/v2/" + name + "/tags/list"}, new String[] {"GET", "/v2/" + name + "/manifests/v1"},
                new String[] {"PUT", "/v2/" + name + "/manifests/v1"})) {
            JsonNode e = error(send(request[0], request[1], request[0].equals("PUT") ? "{}".getBytes() : null), 400,
                    "NAME_INVALID");
            assertTrue(e.get("message").asText().contains("reserved"), e.toString());
        }
        assertArrayEquals(index, Files.readAllBytes(multi.files().indexJson()));
        assertFalse(Files.exists(root.resolve("trap")), "nothing was created");
        assertEveryLayoutClean();
    }

    @Test
    void aSquattedNameCannotBlockTheRepositoryItWouldShadow() throws Exception {
        error(send("POST", "/v2/trap/oci-layout/blobs/uploads/?digest=" + Digest.sha256(new byte[0]), new byte[0]), 400,
                "NAME_INVALID");
        assertEquals(201, send("POST", "/v2/trap/blobs/uploads/?digest=" + Digest.sha256(new byte[0]), new byte[0])
                .statusCode(), "trap itself is still pushable");
        assertEveryLayoutClean();
    }

    @Test
    void aNameThroughAFileOrALayoutsOwnFolderIsInvalid() throws Exception {
        Files.writeString(multi.root().resolve("readme"), "a file a tool left in the layout");
        Files.createDirectories(multi.root().resolve("docs"));
        Files.writeString(multi.root().resolve("docs/notes.txt"), "the layout's own content");
        JsonNode readme = error(send("POST", "/v2/test/multi/readme/blobs/uploads/", null), 400, "NAME_INVALID");
        assertTrue(readme.get("message").asText().contains("test/multi/readme is a file on the server"), readme.toString());
        JsonNode file = error(send("POST", "/v2/test/multi/docs/x/blobs/uploads/", null), 400, "NAME_INVALID");
        assertTrue(file.get("message").asText().contains("part of a layout's own content"), file.toString());
        assertFalse(Files.exists(multi.root().resolve("docs/x")));
    }

    @Test
    void aSymbolicLinkUnderTheRootIsNeverFollowed() throws Exception {
        Path elsewhere = Files.createDirectories(root.getParent().resolve(root.getFileName() + "-elsewhere"));
        Files.createSymbolicLink(root.resolve("escape"), elsewhere);
        error(send("POST", "/v2/escape/app/blobs/uploads/", null), 400, "NAME_INVALID");
        try (var s = Files.list(elsewhere)) {
            assertEquals(0, s.count(), "nothing written through the link");
        }
    }

    @Test
    void nestedRepositoriesBothWork() throws Exception {
        byte[] blob = "nested".getBytes(StandardCharsets.UTF_8);
        String digest = Digest.sha256(blob).toString();
        assertEquals(201, send("POST", "/v2/test/multi/child/blobs/uploads/?digest=" + digest, blob).statusCode());
        assertEquals(201, send("POST", "/v2/test/multi/child/grand/blobs/uploads/?digest=" + digest, blob).statusCode());
        assertEquals(201, send("POST", "/v2/deep/a/b/blobs/uploads/?digest=" + digest, blob).statusCode());
        assertEquals(201, send("POST", "/v2/deep/a/blobs/uploads/?digest=" + digest, blob).statusCode());
        assertEquals(200, send("GET", "/v2/test/multi/manifests/v1", null).statusCode());
        assertEquals(200, send("GET", "/v2/test/multi/child/blobs/" + digest, null).statusCode());
        JsonNode catalog = ModelJson.mapper().readTree(send("GET", "/v2/_catalog", null).body()).get("repositories");
        List<String> names = new ArrayList<>();
        catalog.forEach(n -> names.add(n.asText()));
        assertEquals(List.of("deep/a", "deep/a/b", "test/multi", "test/multi/child", "test/multi/child/grand"), names);
        assertEveryLayoutClean();
    }

    // ------------------------------------------------------------------ fairness

    static Path htpasswd(Path dir, String... users) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String u : users) {
            sb.append(u).append(':').append(org.mindrot.jbcrypt.BCrypt.hashpw("pw", org.mindrot.jbcrypt.BCrypt.gensalt(4)))
                    .append('\n');
        }
        return Files.writeString(dir.resolve("htpasswd"), sb.toString());
    }

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<byte[]> open(String repository, String user) throws Exception {
        return send("POST", "/v2/" + repository + "/blobs/uploads/", null, "Authorization", basic(user));
    }

    @Test
    void oneClientHoldingItsShareOfSessionsDoesNotBlockAnother() throws Exception {
        server.close();
        server = start(new RegistryServer.Limits(100, 3, 100, Duration.ofMinutes(5)),
                htpasswd(root.getParent(), "alice", "bob"));
        for (int i = 0; i < 3; i++) {
            assertEquals(202, open("team/app", "alice").statusCode());
        }
        HttpResponse<byte[]> refused = open("team/app", "alice");
        JsonNode e = error(refused, 429, "TOOMANYREQUESTS");
        assertTrue(e.get("message").asText().contains("3 uploads of yours"), e.toString());
        long retry = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry > 0 && retry <= 300, "Retry-After " + retry);
        assertEquals(202, open("team/app", "bob").statusCode(), "another client still pushes");
    }

    @Test
    void aRepositoryFullOfSessionsDoesNotBlockAnotherRepository() throws Exception {
        server.close();
        server = start(new RegistryServer.Limits(100, 10, 2, Duration.ofMinutes(5)),
                htpasswd(root.getParent(), "alice", "bob"));
        assertEquals(202, open("team/app", "alice").statusCode());
        assertEquals(202, open("team/app", "bob").statusCode());
        JsonNode e = error(open("team/app", "bob"), 429, "TOOMANYREQUESTS");
        assertTrue(e.get("message").asText().contains("into team/app"), e.toString());
        assertEquals(202, open("team/other", "bob").statusCode());
    }

    @Test
    void idleSessionsAreDroppedSoonAndTheirTempFilesWithThem() throws Exception {
        server.close();
        server = start(new RegistryServer.Limits(2, 2, 2, Duration.ofMillis(400)), null);
        assertEquals(202, send("POST", "/v2/test/multi/blobs/uploads/", null).statusCode());
        assertEquals(202, send("POST", "/v2/test/multi/blobs/uploads/", null).statusCode());
        java.util.Set<Path> idle = java.util.Set.copyOf(ingestFiles());
        assertEquals(2, idle.size(), "each session holds a temp file");
        error(send("POST", "/v2/test/multi/blobs/uploads/", null), 429, "TOOMANYREQUESTS");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int status = 429;
        while (status == 429 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = send("POST", "/v2/test/multi/blobs/uploads/", null).statusCode();
        }
        assertEquals(202, status, "room again once an idle session was dropped");
        while (ingestFiles().stream().anyMatch(idle::contains) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(ingestFiles().stream().noneMatch(idle::contains), "the idle sessions' temp files are gone");
    }

    List<Path> ingestFiles() throws IOException {
        try (var s = Files.list(multi.root().resolve("ingest"))) {
            return s.toList();
        }
    }

    // ------------------------------------------------------------------ restart after a crash

    @Test
    void uploadTempFilesNoProcessHoldsAreRemovedOnStart() throws Exception {
        server.close();
        Path ingest = Files.createDirectories(multi.root().resolve("ingest"));
        Path left = Files.write(ingest.resolve("ocil-" + java.util.UUID.randomUUID() + ".tmp"), new byte[4096]);
        Files.setLastModifiedTime(left, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        server = start(RegistryServer.Limits.defaults(), null);
        assertFalse(Files.exists(left));
        assertEquals(new RegistryServer.Cleanup(1, 4096), server.cleanup());
    }

    @Test
    void aDamagedLayoutIsLeftAloneAndDoesNotKeepTheServerFromStarting() throws Exception {
        server.close();
        Layout broken = Layout.create(root.resolve("test/broken"));
        Path temp = Files.write(Files.createDirectories(broken.root().resolve("ingest"))
                .resolve("ocil-" + java.util.UUID.randomUUID() + ".tmp"), new byte[10]);
        Files.setLastModifiedTime(temp, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Files.writeString(broken.files().indexJson(), "{\"schemaVersion\":2,\"manifests\":[");
        server = start(RegistryServer.Limits.defaults(), null);
        assertTrue(Files.exists(temp), "what cannot be read is not cleaned");
        assertEquals(1, server.cleanup().skipped().size(), server.cleanup().toString());
        assertTrue(server.cleanup().skipped().get(0).startsWith("test/broken: "), server.cleanup().toString());
        assertFalse(server.cleanup().skipped().get(0).contains(root.toString()), "no server path");
        assertEquals(200, send("GET", "/v2/test/multi/manifests/v1", null).statusCode(), "the others are served");
    }

    // ------------------------------------------------------------------ references, ranges, errors

    @Test
    void anInvalidTagIsAnUnknownManifestOnGetAndHead() throws Exception {
        error(send("GET", "/v2/test/multi/manifests/.INVALID_MANIFEST_NAME", null), 404, "MANIFEST_UNKNOWN");
        assertEquals(404, send("HEAD", "/v2/test/multi/manifests/.INVALID_MANIFEST_NAME", null).statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"md5:", "md5:0123456789abcdef0123456789abcdef", "sha256:xyz",
        "sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "sha256"})
    void everyMalformedOrUnsupportedDigestIsDigestInvalid(String digest) throws Exception {
        error(send("GET", "/v2/test/multi/blobs/" + digest, null), 400, "DIGEST_INVALID");
        if (digest.contains(":")) {
            error(send("GET", "/v2/test/multi/manifests/" + digest, null), 400, "DIGEST_INVALID");
            error(send("GET", "/v2/test/multi/referrers/" + digest, null), 400, "DIGEST_INVALID");
        }
    }

    long layerSize() throws IOException {
        return multi.readManifest(image).children().get(1).size();
    }

    String layerPath() throws IOException {
        return "/v2/test/multi/blobs/" + multi.readManifest(image).children().get(1).digest();
    }

    @ParameterizedTest
    @ValueSource(strings = {"items=0-1", "bytes=x-y", "bytes", "bytes=3-1", "bytes=0-1,2-3", "bytes=--1"})
    void aRangeThatIsNotOneSatisfiableByteRangeIsIgnored(String range) throws Exception {
        HttpResponse<byte[]> r = send("GET", layerPath(), null, "Range", range);
        assertEquals(200, r.statusCode(), range);
        assertEquals(layerSize(), r.body().length);
    }

    @Test
    void onlyAnUnsatisfiableRangeIs416() throws Exception {
        HttpResponse<byte[]> r = send("GET", layerPath(), null, "Range", "bytes=" + layerSize() + "-");
        error(r, 416, "SIZE_INVALID");
        assertEquals("bytes */" + layerSize(), r.headers().firstValue("Content-Range").orElse(""));
        error(send("GET", layerPath(), null, "Range", "bytes=-0"), 416, "SIZE_INVALID");
        HttpResponse<byte[]> ok = send("GET", layerPath(), null, "Range", "bytes=1-2");
        assertEquals(206, ok.statusCode());
        assertEquals(2, ok.body().length);
    }

    @Test
    void aMalformedContentRangeIs400AndAnOutOfOrderOne416() throws Exception {
        String location = send("POST", "/v2/test/multi/blobs/uploads/", null).headers().firstValue("Location").orElseThrow();
        error(send("PATCH", location, "ab".getBytes(), "Content-Range", "bytes=a-b"), 400, "BLOB_UPLOAD_INVALID");
        error(send("PATCH", location, "ab".getBytes(), "Content-Range", "5-4"), 400, "BLOB_UPLOAD_INVALID");
        error(send("PATCH", location, "ab".getBytes(), "Content-Range", "5-6"), 416, "BLOB_UPLOAD_INVALID");
        assertEquals(202, send("PATCH", location, "ab".getBytes(), "Content-Range", "0-1").statusCode());
    }

    String manifestNaming(String blobDigest, long size) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaType.OCI_CONFIG + "\",\"digest\":\"" + blobDigest + "\",\"size\":" + size + "},\"layers\":[]}";
    }

    @Test
    void aManifestNamingANeverPushedBlobSaysSoAndAWrongSizeIsASizeError() throws Exception {
        JsonNode unknown = error(send("PUT", "/v2/test/multi/manifests/v2", manifestNaming("sha256:" + "e".repeat(64), 2)
                .getBytes(), "Content-Type", MediaType.OCI_MANIFEST), 400, "MANIFEST_BLOB_UNKNOWN");
        assertFalse(unknown.get("message").asText().contains("gc"), unknown.toString());
        Descriptor layer = multi.readManifest(image).children().get(1);
        JsonNode size = error(send("PUT", "/v2/test/multi/manifests/v2", manifestNaming(layer.digest().toString(),
                layer.size() + 1).getBytes(), "Content-Type", MediaType.OCI_MANIFEST), 400, "SIZE_INVALID");
        assertTrue(size.get("message").asText().contains("bytes"), size.toString());
    }

    @Test
    void errorBodiesNeverNameTheServersFolders() throws Exception {
        // a layout whose index.json is broken: the library's message names its path, the client's does not
        Files.writeString(multi.files().indexJson(), "{\"schemaVersion\":2,\"manifests\":[");
        HttpResponse<byte[]> r = send("GET", "/v2/test/multi/manifests/v1", null);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(r.statusCode() >= 400, body);
        assertFalse(body.contains(root.toString()), body);
        assertFalse(body.contains(root.toRealPath().toString()), body);
        assertTrue(body.contains("test/multi/index.json"), "names the repository's file instead: " + body);
        assertFalse(body.contains("Exception"), "in our words: " + body);
    }

    // ------------------------------------------------------------------ the request log

    @Test
    void everyRequestIsLoggedWithClientStatusBytesAndDuration() throws Exception {
        send("GET", "/v2/test/multi/manifests/v1", null);
        send("GET", "/v2/test/multi/manifests/nope", null);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (log.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        RegistryServer.LogEntry ok = log.stream().filter(e -> e.path().endsWith("/v1")).findFirst().orElseThrow();
        assertEquals("127.0.0.1", ok.client());
        assertEquals("GET", ok.method());
        assertEquals("/v2/test/multi/manifests/v1", ok.path());
        assertEquals(200, ok.status());
        assertEquals(image.size(), ok.bytes());
        assertFalse(ok.duration().isNegative());
        assertEquals(404, log.stream().filter(e -> e.path().endsWith("/nope")).findFirst().orElseThrow().status());
    }
}
