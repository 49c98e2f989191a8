package dev.ocilayout.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelJsonTest {
    static final String D = "sha256:" + DigestTest.HEX64;
    static final String DESC = "{\"mediaType\":\"application/octet-stream\",\"digest\":\"" + D + "\",\"size\":0}";

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static InvalidContentException bad(String json) {
        return assertThrows(InvalidContentException.class,
                () -> ModelJson.parseManifest(b(json), MediaType.OCI_MANIFEST, "test"));
    }

    @Test
    void parsesAnImageManifestWithEveryField() throws Exception {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"artifactType\":\"a/b\","
                + "\"config\":" + DESC + ",\"layers\":[" + DESC + "],\"subject\":" + DESC
                + ",\"annotations\":{\"k\":\"v\"}}";
        ImageManifest m = (ImageManifest) ModelJson.parseManifest(b(json), MediaType.OCI_MANIFEST, "test");
        assertEquals("a/b", m.artifactType());
        assertEquals(1, m.layers().size());
        assertEquals(D, m.subject().digest().toString());
        assertEquals(Map.of("k", "v"), m.annotations());
        assertEquals(2, m.children().size());
    }

    @Test
    void dockerManifestListWithLayerChildrenIsAnIndex() throws Exception {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.DOCKER_MANIFEST_LIST + "\",\"manifests\":[{"
                + "\"mediaType\":\"" + MediaType.DOCKER_LAYER + "\",\"digest\":\"" + D + "\",\"size\":24532,"
                + "\"annotations\":{\"buildkit/createdat\":\"2019-10-21T12:27:45.739079211Z\"}}]}";
        Manifest m = ModelJson.parseManifest(b(json), MediaType.DOCKER_MANIFEST_LIST, "test");
        ImageIndex index = assertInstanceOf(ImageIndex.class, m);
        assertEquals(MediaType.DOCKER_LAYER, index.manifests().get(0).mediaType());
    }

    @Test
    void aManifestWithoutConfigOrLayersFieldStillParses() throws Exception {
        ImageManifest noConfig = (ImageManifest) ModelJson.parseManifest(
                b("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"layers\":[" + DESC + "]}"),
                MediaType.OCI_MANIFEST, "t");
        assertNull(noConfig.config());
        ImageManifest noLayers = (ImageManifest) ModelJson.parseManifest(
                b("{\"schemaVersion\":2,\"config\":" + DESC + "}"), MediaType.OCI_MANIFEST, "t");
        assertEquals(List.of(), noLayers.layers());
    }

    @Test
    void unknownFieldsAndAnnotationOrderSurviveARoundTripOfIndexJson() throws Exception {
        String json = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x/y\",\"digest\":\"" + D + "\",\"size\":3,"
                + "\"annotations\":{\"z\":\"1\",\"a\":\"2\"},\"vendor.field\":{\"n\":[1,2]},"
                + "\"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\",\"x.y\":true}}],"
                + "\"annotations\":{\"org.olareg.referrer.convert\":\"true\"},"
                + "\"org.olareg.history\":{\"v1\":[{\"time\":\"2026-07-22T10:00:00Z\"}]}}";
        ImageIndex index = ModelJson.parseIndex(b(json), "index.json");
        ImageIndex again = ModelJson.parseIndex(ModelJson.toBytes(index, true), "index.json");
        assertEquals(index, again);
        Descriptor d = again.manifests().get(0);
        assertEquals(List.of("z", "a"), List.copyOf(d.annotations().keySet()));
        assertEquals("{\"n\":[1,2]}", d.extensions().get("vendor.field"));
        assertEquals("true", d.platform().extensions().get("x.y"));
        assertEquals("{\"v1\":[{\"time\":\"2026-07-22T10:00:00Z\"}]}", again.extensions().get("org.olareg.history"));
        assertEquals("linux/arm/v7", d.platform().toString());
    }

    @Test
    void writingAManifestIsDeterministicCompactJson() {
        ImageManifest m = new ImageManifest(2, MediaType.OCI_MANIFEST, "a/b",
                Descriptor.of(MediaType.OCI_EMPTY, Digest.EMPTY_JSON, 2).withData(b("{}")), List.of(), null,
                Map.of("k", "v"), null);
        String expected = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"a/b\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\","
                + "\"digest\":\"" + Digest.EMPTY_JSON + "\",\"size\":2,\"data\":\"e30=\"},\"layers\":[],"
                + "\"annotations\":{\"k\":\"v\"}}";
        assertArrayEquals(b(expected), ModelJson.toBytes(m));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}",
        "{\"schemaVersion\":2,\"manifests\":[],\"config\":" + DESC + "}",
    })
    void rejectsDocumentsThatAreBothManifestAndIndex(String json) {
        assertTrue(bad(json).getMessage().contains("CVE-2021-41190"));
    }

    @Test
    void rejectsAnEmbeddedMediaTypeThatContradictsTheDescriptor() {
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> ModelJson.parseManifest(
                b("{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"manifests\":[]}"),
                MediaType.OCI_MANIFEST, "m"));
        assertTrue(e.getMessage().contains("differs from its descriptor"), e.getMessage());
    }

    @Test
    void rejectsDuplicateKeys() {
        assertTrue(bad("{\"schemaVersion\":2,\"layers\":[],\"layers\":[" + DESC + "]}").getMessage()
                .contains("Duplicate field"));
    }

    @Test
    void rejectsKeysThatDifferOnlyInCase() {
        assertTrue(bad("{\"schemaVersion\":2,\"layers\":[],\"Layers\":[" + DESC + "]}").getMessage()
                .contains("only in case"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "null", "[]", "\"x\"", "{", "{\"schemaVersion\":2,\"layers\":[]} trailing",
        "{\"schemaVersion\":2,\"layers\":[]}{}",
        "{\"schemaVersion\":1,\"layers\":[]}",
        "{\"schemaVersion\":\"2\",\"layers\":[]}",
        "{\"layers\":[]}",
        "{\"schemaVersion\":2,\"layers\":{}}",
        "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a/b\",\"digest\":\"sha256:../../x\",\"size\":1}]}",
        "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a/b\",\"digest\":\"" + D + "\",\"size\":-1}]}",
        "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a/b\",\"digest\":\"" + D + "\",\"size\":\"1\"}]}",
        "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a/b\",\"digest\":\"" + D + "\",\"size\":1.5}]}",
        "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a/b\",\"digest\":\"" + D + "\",\"size\":99999999999999999999}]}",
        "{\"schemaVersion\":2,\"layers\":[{\"digest\":\"" + D + "\",\"size\":1}]}",
        "{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"a/b\",\"digest\":\"" + D + "\",\"size\":1,\"data\":\"!!\"}]}",
        "{\"schemaVersion\":2,\"layers\":[],\"annotations\":{\"k\":1}}",
        "{\"schemaVersion\":2,\"layers\":[],\"annotations\":[]}",
    })
    void rejectsMalformedDocumentsWithAOneLineMessage(String json) {
        InvalidContentException e = bad(json);
        assertTrue(e.getMessage().startsWith("test"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void deepNestingIsRejectedCleanly() {
        String deep = "{\"schemaVersion\":2,\"layers\":[],\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertTrue(bad(deep).getMessage().contains("invalid JSON"));
    }

    @Test
    void aDocumentWithoutManifestShapeIsNotAManifest() {
        assertThrows(InvalidContentException.class,
                () -> ModelJson.parseManifest(b("{\"schemaVersion\":2}"), "application/json", "t"));
    }

    @Test
    void indexJsonWithNullManifestsIsRejected() {
        assertThrows(InvalidContentException.class,
                () -> ModelJson.parseIndex(b("{\"schemaVersion\":2,\"manifests\":null}"), "index.json"));
    }
}
