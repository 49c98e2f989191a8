package dev.ocilayout.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.LayoutBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution-spec v1.1 endpoint table (spec.md, "Endpoints", end-1 to end-13), one test per endpoint:
 * its success status and headers, and its failure statuses with the spec's error codes. Written from the
 * table, not from our code, so a route we forgot or answer with the wrong code shows here.
 */
class DistributionSpecEndpointsTest {
    static final String UNKNOWN = "sha256:" + "0".repeat(64);

    @TempDir
    Path root;
    RegistryServer server;
    Layout app;
    Descriptor image;
    Descriptor layer;
    Descriptor referrer;

    @BeforeEach
    void start() throws IOException {
        app = Layout.create(root.resolve("team/app"));
        LayoutBuilder b = new LayoutBuilder(app);
        layer = b.blob("layer bytes", MediaType.OCI_LAYER);
        image = b.manifest(b.blob("{\"architecture\":\"amd64\",\"os\":\"linux\"}", MediaType.OCI_CONFIG), null, null, layer);
        b.tag("v1", image);
        b.tag("v2", image);
        referrer = b.referrer(image, "application/spdx+json", "sbom");
        b.untagged(referrer);
        Layout.create(root.resolve("team/other"));
        server = RegistryServer.start(new RegistryServer.Options(root, new InetSocketAddress("127.0.0.1", 0), false, 8,
                LayoutOptions.defaults()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers) throws Exception {
        return Http.send(server, method, path, body, headers);
    }

    static void fails(HttpResponse<byte[]> r, int status, String code) throws IOException {
        Http.error(r, status, code);
    }

    static String header(HttpResponse<?> r, String name) {
        return Http.header(r, name);
    }

    String upload() throws Exception {
        return header(send("POST", "/v2/team/app/blobs/uploads/", null), "Location");
    }

    @Test
    void end1VersionCheck() throws Exception {
        HttpResponse<byte[]> r = send("GET", "/v2/", null);
        assertEquals(200, r.statusCode());
        assertEquals("registry/2.0", header(r, "Docker-Distribution-API-Version"));
    }

    @Test
    void end2GetAndHeadABlob() throws Exception {
        HttpResponse<byte[]> r = send("GET", "/v2/team/app/blobs/" + layer.digest(), null);
        assertEquals(200, r.statusCode());
        assertEquals("layer bytes", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(layer.digest().toString(), header(r, "Docker-Content-Digest"));
        HttpResponse<byte[]> head = send("HEAD", "/v2/team/app/blobs/" + layer.digest(), null);
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(layer.size()), header(head, "Content-Length"));
        fails(send("GET", "/v2/team/app/blobs/" + UNKNOWN, null), 404, "BLOB_UNKNOWN");
        assertEquals(404, send("HEAD", "/v2/team/app/blobs/" + UNKNOWN, null).statusCode());
        fails(send("GET", "/v2/team/nothing/blobs/" + layer.digest(), null), 404, "NAME_UNKNOWN");
        fails(send("GET", "/v2/team/app/blobs/not-a-digest", null), 400, "DIGEST_INVALID");
    }

    @Test
    void end3GetAndHeadAManifestByTagAndDigest() throws Exception {
        for (String ref : new String[] {"v1", image.digest().toString()}) {
            HttpResponse<byte[]> r = send("GET", "/v2/team/app/manifests/" + ref, null, "Accept", MediaType.OCI_MANIFEST);
            assertEquals(200, r.statusCode());
            assertEquals(MediaType.OCI_MANIFEST, header(r, "Content-Type"));
            assertEquals(image.digest().toString(), header(r, "Docker-Content-Digest"));
            assertEquals(image.digest(), Digest.sha256(r.body()));
            assertEquals(200, send("HEAD", "/v2/team/app/manifests/" + ref, null).statusCode());
        }
        fails(send("GET", "/v2/team/app/manifests/nope", null), 404, "MANIFEST_UNKNOWN");
        fails(send("GET", "/v2/team/app/manifests/" + UNKNOWN, null), 404, "MANIFEST_UNKNOWN");
        fails(send("GET", "/v2/team/nothing/manifests/v1", null), 404, "NAME_UNKNOWN");
    }

    @Test
    void end4aStartAnUpload() throws Exception {
        HttpResponse<byte[]> r = send("POST", "/v2/team/app/blobs/uploads/", null);
        assertEquals(202, r.statusCode());
        assertTrue(header(r, "Location").startsWith("/v2/team/app/blobs/uploads/"), header(r, "Location"));
        fails(send("POST", "/v2/Team/App/blobs/uploads/", null), 400, "NAME_INVALID"); // the grammar is lowercase
        fails(send("POST", "/v2/team/app/blobs/blobs/uploads/", null), 400, "NAME_INVALID");
    }

    @Test
    void end4bMonolithicUploadByPost() throws Exception {
        byte[] data = "monolithic".getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = send("POST", "/v2/team/app/blobs/uploads/?digest=" + Digest.sha256(data), data,
                "Content-Type", "application/octet-stream");
        assertEquals(201, r.statusCode());
        assertEquals("/v2/team/app/blobs/" + Digest.sha256(data), header(r, "Location"));
        fails(send("POST", "/v2/team/app/blobs/uploads/?digest=" + UNKNOWN, data), 400, "DIGEST_INVALID");
        fails(send("POST", "/v2/team/app/blobs/uploads/?digest=md5:abc", data), 400, "DIGEST_INVALID");
    }

    @Test
    void end5ChunkedPatch() throws Exception {
        String location = upload();
        HttpResponse<byte[]> r = send("PATCH", location, "abc".getBytes(), "Content-Range", "0-2",
                "Content-Type", "application/octet-stream");
        assertEquals(202, r.statusCode());
        assertEquals("0-2", header(r, "Range"));
        fails(send("PATCH", location, "def".getBytes(), "Content-Range", "9-11"), 416, "BLOB_UPLOAD_INVALID");
        fails(send("PATCH", "/v2/team/app/blobs/uploads/no-such-session", "x".getBytes()), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void end6CloseAnUploadWithPut() throws Exception {
        String location = upload();
        send("PATCH", location, "abc".getBytes(), "Content-Range", "0-2");
        byte[] all = "abcdef".getBytes();
        HttpResponse<byte[]> r = send("PUT", location + "?digest=" + Digest.sha256(all), "def".getBytes());
        assertEquals(201, r.statusCode());
        assertEquals(Digest.sha256(all).toString(), header(r, "Docker-Content-Digest"));
        String wrong = upload();
        fails(send("PUT", wrong + "?digest=" + UNKNOWN, "x".getBytes()), 400, "DIGEST_INVALID");
        fails(send("PUT", "/v2/team/app/blobs/uploads/no-such-session?digest=" + UNKNOWN, null), 404,
                "BLOB_UPLOAD_UNKNOWN");
        fails(send("PUT", upload(), null), 400, "DIGEST_INVALID"); // no ?digest=
    }

    @Test
    void end7PutAManifest() throws Exception {
        byte[] bytes = app.readManifestBytes(image);
        HttpResponse<byte[]> r = send("PUT", "/v2/team/app/manifests/v3", bytes, "Content-Type", MediaType.OCI_MANIFEST);
        assertEquals(201, r.statusCode());
        assertEquals(image.digest().toString(), header(r, "Docker-Content-Digest"));
        assertEquals("/v2/team/app/manifests/" + image.digest(), header(r, "Location"));
        fails(send("PUT", "/v2/team/app/manifests/v4", "{not json".getBytes(), "Content-Type", MediaType.OCI_MANIFEST),
                400, "MANIFEST_INVALID");
        String missing = new String(bytes, StandardCharsets.UTF_8).replace(layer.digest().encoded(), "e".repeat(64));
        fails(send("PUT", "/v2/team/app/manifests/v4", missing.getBytes(), "Content-Type", MediaType.OCI_MANIFEST), 400,
                "MANIFEST_BLOB_UNKNOWN");
        fails(send("PUT", "/v2/team/app/manifests/" + UNKNOWN, bytes, "Content-Type", MediaType.OCI_MANIFEST), 400,
                "DIGEST_INVALID");
        fails(send("PUT", "/v2/team/app/manifests/bad:tag!", bytes, "Content-Type", MediaType.OCI_MANIFEST), 400,
                "DIGEST_INVALID");
    }

    @Test
    void end8aAnd8bListTagsWithPagination() throws Exception {
        JsonNode all = ModelJson.mapper().readTree(send("GET", "/v2/team/app/tags/list", null).body());
        assertEquals("team/app", all.get("name").asText());
        assertEquals("[\"v1\",\"v2\"]", all.get("tags").toString());
        HttpResponse<byte[]> first = send("GET", "/v2/team/app/tags/list?n=1", null);
        assertEquals("[\"v1\"]", ModelJson.mapper().readTree(first.body()).get("tags").toString());
        assertEquals("</v2/team/app/tags/list?n=1&last=v1>; rel=\"next\"", header(first, "Link"));
        assertEquals("[\"v2\"]", ModelJson.mapper().readTree(send("GET", "/v2/team/app/tags/list?n=1&last=v1", null)
                .body()).get("tags").toString());
        fails(send("GET", "/v2/team/nothing/tags/list", null), 404, "NAME_UNKNOWN");
    }

    @Test
    void end9DeleteAManifest() throws Exception {
        assertEquals(202, send("DELETE", "/v2/team/app/manifests/v2", null).statusCode());
        fails(send("DELETE", "/v2/team/app/manifests/v2", null), 404, "MANIFEST_UNKNOWN");
        fails(send("DELETE", "/v2/team/app/manifests/" + UNKNOWN, null), 404, "MANIFEST_UNKNOWN");
        fails(send("DELETE", "/v2/team/app/manifests/sha256:zz", null), 400, "DIGEST_INVALID");
    }

    @Test
    void end10DeleteABlobIsUnsupported() throws Exception {
        fails(send("DELETE", "/v2/team/app/blobs/" + layer.digest(), null), 405, "UNSUPPORTED");
    }

    @Test
    void end11MountABlobFromAnotherRepository() throws Exception {
        HttpResponse<byte[]> r = send("POST", "/v2/team/other/blobs/uploads/?mount=" + layer.digest() + "&from=team/app", null);
        assertEquals(201, r.statusCode());
        assertEquals("/v2/team/other/blobs/" + layer.digest(), header(r, "Location"));
        HttpResponse<byte[]> fallback = send("POST", "/v2/team/other/blobs/uploads/?mount=" + UNKNOWN + "&from=team/app",
                null);
        assertEquals(202, fallback.statusCode(), "an unknown blob falls back to an upload session");
    }

    @Test
    void end12aAnd12bListReferrers() throws Exception {
        HttpResponse<byte[]> r = send("GET", "/v2/team/app/referrers/" + image.digest(), null);
        assertEquals(200, r.statusCode());
        assertEquals(MediaType.OCI_INDEX, header(r, "Content-Type"));
        JsonNode manifests = ModelJson.mapper().readTree(r.body()).get("manifests");
        assertEquals(1, manifests.size());
        assertEquals(referrer.digest().toString(), manifests.get(0).get("digest").asText());
        HttpResponse<byte[]> filtered = send("GET", "/v2/team/app/referrers/" + image.digest()
                + "?artifactType=application/vnd.other", null);
        assertEquals("artifactType", header(filtered, "OCI-Filters-Applied"));
        assertEquals(0, ModelJson.mapper().readTree(filtered.body()).get("manifests").size());
        assertEquals(200, send("GET", "/v2/team/app/referrers/" + UNKNOWN, null).statusCode(), "no referrers: empty");
        fails(send("GET", "/v2/team/app/referrers/v1", null), 400, "DIGEST_INVALID");
    }

    @Test
    void end13UploadStatus() throws Exception {
        String location = upload();
        send("PATCH", location, "abcd".getBytes(), "Content-Range", "0-3");
        HttpResponse<byte[]> r = send("GET", location, null);
        assertEquals(204, r.statusCode());
        assertEquals("0-3", header(r, "Range"));
        assertEquals(location, header(r, "Location"));
        fails(send("GET", "/v2/team/app/blobs/uploads/no-such-session", null), 404, "BLOB_UPLOAD_UNKNOWN");
    }
}
