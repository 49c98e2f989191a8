package dev.ocilayout.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.referrers.FallbackTagStrategy;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerKeys;
import dev.ocilayout.store.Tags;
import dev.ocilayout.testing.LayoutBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One layout served whole holds several repositories (spec-notes/repositories.md): its plain tags under the
 * folder's name, each full name ({@code localhost/bimg:2}) under its repository, referrers scoped as tags are.
 */
class MultiRepositoryServeTest {
    @TempDir
    Path root;
    Layout layout;
    Descriptor plain;
    Descriptor bimg;
    Descriptor busybox;
    RegistryServer server;

    @BeforeEach
    void start() throws IOException {
        layout = Layout.create(root.resolve("store"));
        LayoutBuilder b = new LayoutBuilder(layout);
        plain = b.image("plain", "p");
        bimg = b.image("bimg", "b");
        busybox = b.image("busybox", "bb");
        b.tag("v1", plain);
        b.tag("localhost/bimg:2", bimg);
        b.tag("localhost/bimg", plain); // no tag: latest
        b.tag("docker.io/library/busybox:1.36", busybox);
        server = RegistryServer.start(new RegistryServer.Options(layout.root(), new InetSocketAddress("127.0.0.1", 0),
                false, 4, LayoutOptions.defaults()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private java.net.http.HttpResponse<byte[]> send(String method, String path, byte[] body, String... headers)
            throws Exception {
        return Http.send(server, method, path, body, headers);
    }

    private JsonNode json(String path) throws Exception {
        java.net.http.HttpResponse<byte[]> r = send("GET", path, null);
        assertEquals(200, r.statusCode(), new String(r.body()));
        return ModelJson.mapper().readTree(r.body());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void theCatalogListsTheFolderNameAndEveryFullNamesRepository() throws Exception {
        assertEquals(List.of("docker.io/library/busybox", "localhost/bimg", "store"),
                texts(json("/v2/_catalog").get("repositories")));
    }

    @Test
    void eachRepositoryListsOnlyItsOwnTagsByTheirTagPart() throws Exception {
        assertEquals(List.of("2", "latest"), texts(json("/v2/localhost/bimg/tags/list").get("tags")));
        assertEquals(List.of("v1"), texts(json("/v2/store/tags/list").get("tags")));
        assertEquals(List.of("1.36"), texts(json("/v2/docker.io/library/busybox/tags/list").get("tags")));
    }

    @Test
    void aTagResolvesWithinItsRepositoryOnly() throws Exception {
        assertEquals(bimg.digest().toString(), Http.header(send("GET", "/v2/localhost/bimg/manifests/2", null),
                "Docker-Content-Digest"));
        assertEquals(plain.digest().toString(), Http.header(send("GET", "/v2/localhost/bimg/manifests/latest", null),
                "Docker-Content-Digest"), "a full name stored without a tag is latest");
        Http.error(send("GET", "/v2/store/manifests/2", null), 404, "MANIFEST_UNKNOWN");
        Http.error(send("GET", "/v2/localhost/bimg/manifests/v1", null), 404, "MANIFEST_UNKNOWN");
        Http.error(send("GET", "/v2/localhost/other/manifests/v1", null), 404, "NAME_UNKNOWN");
    }

    @Test
    void aPushToANamedRepositoryIsStoredUnderTheFullName() throws Exception {
        byte[] manifest = layout.readManifestBytes(busybox);
        java.net.http.HttpResponse<byte[]> r = send("PUT", "/v2/team/new/manifests/v1", manifest,
                "Content-Type", MediaType.OCI_MANIFEST);
        assertEquals(201, r.statusCode(), new String(r.body()));
        assertEquals(busybox.digest(), layout.resolveTag("team/new:v1").digest());
        assertEquals(List.of("v1"), texts(json("/v2/team/new/tags/list").get("tags")));
        Http.error(send("POST", "/v2/elsewhere/blobs/uploads/", null), 403, "DENIED");
    }

    @Test
    void deletingATagOrADigestInOneRepositoryLeavesTheOthersNames() throws Exception {
        assertEquals(202, send("DELETE", "/v2/localhost/bimg/manifests/latest", null).statusCode());
        assertNull(RepositoryScope.of("localhost/bimg").find(layout.index().read(), "latest"));
        assertEquals(plain.digest(), layout.resolveTag("v1").digest(), "store's v1 names the same manifest");
        assertEquals(202, send("DELETE", "/v2/store/manifests/" + plain.digest(), null).statusCode());
        assertEquals(Set.of("localhost/bimg:2", "docker.io/library/busybox:1.36"), names());
    }

    @Test
    void referrersUnderOneRepositorysFallbackTagAreThatRepositorysAndThoseByDigestEveryones() throws Exception {
        LayoutBuilder b = new LayoutBuilder(layout);
        Descriptor signature = b.referrer(plain, "application/vnd.example.signature", "sig");
        Descriptor sbom = b.referrer(plain, "application/spdx+json", "{}");
        layout.index().update(i -> new FallbackTagStrategy(RepositoryScope.of("localhost/bimg")).add(layout, i,
                plain.digest(), ReferrerIndex.responseDescriptor(signature, layout.readManifest(signature))));
        b.untagged(sbom); // recorded by digest (an index.json entry with a subject): shared
        assertNotNull(layout.resolveTag("localhost/bimg:" + ReferrerKeys.fallbackTag(plain.digest())));
        assertEquals(Set.of(signature.digest().toString(), sbom.digest().toString()),
                referrerDigests("/v2/localhost/bimg/referrers/" + plain.digest()));
        assertEquals(Set.of(sbom.digest().toString()), referrerDigests("/v2/store/referrers/" + plain.digest()));
    }

    @Test
    void aReferrerPushedIntoANamedRepositoryOfAFallbackTagLayoutGetsThatRepositorysFallbackTag() throws Exception {
        LayoutBuilder b = new LayoutBuilder(layout);
        Descriptor old = b.referrer(busybox, "application/vnd.example.old", "o");
        layout.index().update(i -> new FallbackTagStrategy().add(layout, i, busybox.digest(),
                ReferrerIndex.responseDescriptor(old, layout.readManifest(old)))); // the layout's convention
        Descriptor signature = b.referrer(bimg, "application/vnd.example.signature", "sig");
        java.net.http.HttpResponse<byte[]> r = send("PUT", "/v2/localhost/bimg/manifests/" + signature.digest(),
                layout.readManifestBytes(signature), "Content-Type", MediaType.OCI_MANIFEST);
        assertEquals(201, r.statusCode(), new String(r.body()));
        assertNotNull(layout.resolveTag("localhost/bimg:" + ReferrerKeys.fallbackTag(bimg.digest())));
        assertEquals(Set.of(), referrerDigests("/v2/store/referrers/" + bimg.digest()));
        assertEquals(Set.of(signature.digest().toString()),
                referrerDigests("/v2/localhost/bimg/referrers/" + bimg.digest()));
    }

    private Set<String> referrerDigests(String path) throws Exception {
        Set<String> out = new TreeSet<>();
        json(path).get("manifests").forEach(m -> out.add(m.get("digest").asText()));
        return out;
    }

    private Set<String> names() throws IOException {
        Set<String> out = new TreeSet<>();
        Tags.list(layout.index().read()).forEach(t -> out.add(t.name()));
        return out;
    }
}
