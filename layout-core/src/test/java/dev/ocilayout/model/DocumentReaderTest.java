package dev.ocilayout.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How documents stream in: index.json and index blobs read alike, and key order never changes a verdict. */
class DocumentReaderTest {
    static List<Path> indexes() throws IOException {
        try (Stream<Path> s = Files.walk(TestData.dir())) {
            return s.filter(p -> p.getFileName().toString().equals("index.json")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("indexes")
    void indexJsonAndIndexBlobReadersAgree(Path indexJson) throws IOException {
        byte[] bytes = Files.readAllBytes(indexJson);
        ImageIndex streamed = ModelJson.parseIndex(bytes, "index.json");
        ImageIndex tree = (ImageIndex) ModelJson.parseManifest(bytes, MediaType.OCI_INDEX, "index.json");
        assertEquals(tree, streamed);
        assertEquals(streamed, ModelJson.parseIndex(ModelJson.toBytes(streamed, true), "index.json"), "round trip");
    }

    static final String DESC = ModelJsonTest.DESC;

    static String refusal(String json) {
        return ModelJsonTest.bad(json).getMessage();
    }

    @Test
    void theFirstFieldUsedDecidesTheRefusalWhateverTheKeyOrder() {
        String badConfig = "\"config\":{\"mediaType\":7}";
        String badLayers = "\"layers\":[" + DESC + ",{\"digest\":\"x\"}]";
        String configFirst = refusal("{\"schemaVersion\":2," + badConfig + "," + badLayers + "}");
        String layersFirst = refusal("{\"schemaVersion\":2," + badLayers + "," + badConfig + "}");

        assertEquals("test: config.mediaType: must be a string, got a number", configFirst);
        assertEquals(configFirst, layersFirst);
    }

    @Test
    void aRefusedValueIsSkippedSoTheDocumentStillDecidesItsKind() {
        // annotations is refused but read past; the ambiguity, checked first, is what is reported
        String json = "{\"schemaVersion\":2,\"annotations\":{\"k\":[1,{\"x\":[]}]},\"manifests\":[],"
                + "\"config\":" + DESC + "}";

        assertTrue(refusal(json).contains("CVE-2021-41190"), refusal(json));
    }

    @Test
    void theOrasArtifactManifestIgnoresSchemaVersion() throws IOException {
        String json = "{\"mediaType\":\"" + MediaType.ORAS_ARTIFACT_MANIFEST + "\",\"schemaVersion\":\"x\","
                + "\"blobs\":[" + DESC + "]}";

        ImageManifest m = (ImageManifest) ModelJson.parseManifest(json.getBytes(), null, "test");

        assertEquals(1, m.layers().size());
    }

    @Test
    void anIndexJsonBlobsFieldIsKeptAsAnUnknownField() throws IOException {
        // "blobs" belongs to the ORAS artifact manifest only; in index.json it was refused as a case variant of itself
        byte[] json = "{\"schemaVersion\":2,\"manifests\":[],\"blobs\":[1]}".getBytes();

        ImageIndex index = ModelJson.parseIndex(json, "index.json");

        assertEquals(Map.of("blobs", "[1]"), index.extensions());
        assertEquals(index, ModelJson.parseIndex(ModelJson.toBytes(index, true), "index.json"), "round trip");
        assertEquals(index, ModelJson.parseManifest(json, MediaType.OCI_INDEX, "index.json"), "an index blob alike");
    }

    @Test
    void theOrasArtifactManifestReadsItsBlobsAsDescriptorsAndNotAsAnUnknownField() throws IOException {
        String json = "{\"mediaType\":\"" + MediaType.ORAS_ARTIFACT_MANIFEST + "\",\"blobs\":[" + DESC + "],\"x\":1}";

        ImageManifest m = (ImageManifest) ModelJson.parseManifest(json.getBytes(), null, "test");

        assertEquals(List.of(Descriptor.of("application/octet-stream", Digest.parse(ModelJsonTest.D), 0)), m.layers());
        assertEquals(Map.of("x", "1"), m.extensions());
    }

    @Test
    void aBadOrasBlobIsRefusedWithItsPath() {
        String json = "{\"mediaType\":\"" + MediaType.ORAS_ARTIFACT_MANIFEST + "\",\"blobs\":[" + DESC + ",7]}";

        assertEquals("test: blobs[1]: must be an object, got a number", assertThrows(InvalidContentException.class,
                () -> ModelJson.parseManifest(json.getBytes(), null, "test")).getMessage());
    }

    @Test
    void indexJsonWithConfigIsRefusedAsAmbiguousWhateverElseIsWrong() {
        byte[] json = "{\"manifests\":7,\"config\":{}}".getBytes();

        assertTrue(assertThrows(InvalidContentException.class, () -> ModelJson.parseIndex(json, "index.json"))
                .getMessage().contains("CVE-2021-41190"));
    }

    @Test
    void aCaseVariantOfBlobsIsStillRefusedInIndexJson() {
        byte[] json = "{\"schemaVersion\":2,\"manifests\":[],\"Blobs\":[]}".getBytes();

        assertTrue(assertThrows(InvalidContentException.class, () -> ModelJson.parseIndex(json, "index.json"))
                .getMessage().contains("only in case"));
    }
}
