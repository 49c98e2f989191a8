package dev.ocilayout.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each spec check with a document that passes it and one that fails it. */
class SpecChecksTest {
    static final String HEX = "a".repeat(64);
    static final String BLOB = "{\"mediaType\":\"" + MediaType.OCI_LAYER + "\",\"digest\":\"sha256:" + HEX + "\",\"size\":5}";
    static final String CONFIG = "{\"mediaType\":\"" + MediaType.OCI_CONFIG + "\",\"digest\":\"sha256:" + "b".repeat(64)
            + "\",\"size\":7}";
    static final String EMPTY = SpecChecks.EMPTY_DESCRIPTOR;
    static final String CHILD = "{\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",\"digest\":\"sha256:" + HEX + "\",\"size\":5}";

    /** An image manifest with these fields (JSON members, without braces). */
    static String manifest(String fields) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    static String image(String extra) {
        return manifest("\"config\":" + CONFIG + ",\"layers\":[" + BLOB + "]" + extra);
    }

    static String index(String manifests, String extra) {
        return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaType.OCI_INDEX + "\",\"manifests\":[" + manifests + "]" + extra + "}";
    }

    static String layer(String fields) {
        return "{\"mediaType\":\"" + MediaType.OCI_LAYER + "\"," + fields + "}";
    }

    static List<String> codes(String json, String descriptorType, long size) throws IOException {
        Document doc = new Document(Descriptor.of(descriptorType, Digest.parse("sha256:" + "c".repeat(64)), size), "",
                new ObjectMapper().readTree(json));
        return SpecChecks.check(doc, size).stream().map(LintFinding::code).toList();
    }

    static Stream<Arguments> checks() {
        String hello = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));
        String helloDigest = Digest.sha256("hello".getBytes(StandardCharsets.UTF_8)).toString();
        return Stream.of(
                Arguments.of("OCI-SCHEMA-VERSION", image(""), image("").replace("\"schemaVersion\":2", "\"schemaVersion\":1")),
                Arguments.of("OCI-MEDIATYPE-MISSING", image(""), image("").replace("\"mediaType\":\"" + MediaType.OCI_MANIFEST + "\",", "")),
                Arguments.of("OCI-MEDIATYPE-INVALID", image(""), image("").replace("\"mediaType\":\"" + MediaType.OCI_MANIFEST, "\"mediaType\":\"not a type")),
                Arguments.of("OCI-MEDIATYPE-MISMATCH", image(""), image("").replace(MediaType.OCI_MANIFEST, MediaType.DOCKER_MANIFEST)),
                Arguments.of("OCI-MEDIATYPE-AMBIGUOUS", image(""), image(",\"manifests\":[]")),
                Arguments.of("OCI-ARTIFACT-NO-CONFIG", image(""), manifest("\"layers\":[" + BLOB + "]")),
                Arguments.of("OCI-ARTIFACT-TYPE-REQUIRED",
                        manifest("\"artifactType\":\"application/vnd.example+json\",\"config\":" + EMPTY + ",\"layers\":[" + EMPTY + "]"),
                        manifest("\"config\":" + EMPTY + ",\"layers\":[" + EMPTY + "]")),
                Arguments.of("OCI-ARTIFACT-TYPE-INVALID",
                        manifest("\"artifactType\":\"application/vnd.example+json\",\"config\":" + EMPTY + ",\"layers\":[" + EMPTY + "]"),
                        manifest("\"artifactType\":\"example\",\"config\":" + EMPTY + ",\"layers\":[" + EMPTY + "]")),
                Arguments.of("OCI-ARTIFACT-CONFIG-TYPE", image(""), image("").replace(MediaType.OCI_CONFIG, "image/gif")),
                Arguments.of("OCI-LAYERS-MISSING", image(""), manifest("\"config\":" + CONFIG)),
                Arguments.of("OCI-LAYERS-EMPTY", image(""), manifest("\"config\":" + CONFIG + ",\"layers\":[]")),
                Arguments.of("OCI-LAYER-URLS", image(""), manifest("\"config\":" + CONFIG + ",\"layers\":["
                        + layer("\"digest\":\"sha256:" + HEX + "\",\"size\":5,\"urls\":[\"http://example.com/l\"]") + "]")),
                Arguments.of("OCI-DESCRIPTOR-FIELD", image(""), manifest("\"config\":" + CONFIG + ",\"layers\":["
                        + layer("\"digest\":\"sha256:" + HEX + "\"") + "]")),
                Arguments.of("OCI-DIGEST-INVALID", image(""), image("").replace("sha256:" + HEX, "sha256:" + HEX.toUpperCase())),
                Arguments.of("OCI-DIGEST-ALGORITHM", image(""), image("").replace("sha256:" + HEX, "b3:" + HEX)),
                Arguments.of("OCI-SIZE-NEGATIVE", image(""), image("").replace("\"size\":5", "\"size\":-5")),
                Arguments.of("OCI-DATA-INVALID", manifest("\"config\":" + CONFIG + ",\"layers\":[" + layer("\"digest\":\""
                        + helloDigest + "\",\"size\":5,\"data\":\"" + hello + "\"") + "]"),
                        manifest("\"config\":" + CONFIG + ",\"layers\":[" + layer("\"digest\":\"" + helloDigest
                                + "\",\"size\":5,\"data\":\"!!\"") + "]")),
                Arguments.of("OCI-DATA-MISMATCH", manifest("\"config\":" + CONFIG + ",\"layers\":[" + layer("\"digest\":\""
                        + helloDigest + "\",\"size\":5,\"data\":\"" + hello + "\"") + "]"),
                        manifest("\"config\":" + CONFIG + ",\"layers\":[" + layer("\"digest\":\"sha256:" + HEX
                                + "\",\"size\":5,\"data\":\"" + hello + "\"") + "]")),
                Arguments.of("OCI-DATA-INVALID", manifest("\"config\":" + CONFIG + ",\"layers\":[" + layer("\"digest\":\""
                        + helloDigest + "\",\"size\":5,\"data\":\"" + hello + "\"") + "]"),
                        manifest("\"config\":" + CONFIG + ",\"layers\":[" + layer("\"digest\":\"" + helloDigest
                                + "\",\"size\":5,\"data\":\"" + hello.replace("=", "") + "\"") + "]")),
                Arguments.of("OCI-URLS-INVALID", manifest("\"config\":" + CONFIG + ",\"layers\":[" + layer("\"digest\":\"sha256:"
                        + HEX + "\",\"size\":5,\"urls\":[\"https://example.com/l.tar\"]") + "]"),
                        manifest("\"config\":" + CONFIG + ",\"layers\":[" + layer("\"digest\":\"sha256:" + HEX
                                + "\",\"size\":5,\"urls\":[\"/relative/l.tar\"]") + "]")),
                Arguments.of("OCI-ANNOTATION-TYPE", image(",\"annotations\":{\"a\":\"1\"}"), image(",\"annotations\":{\"a\":1}")),
                Arguments.of("OCI-CREATED-FORMAT", image(",\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-31T12:00:00.5+01:00\"}"),
                        image(",\"annotations\":{\"org.opencontainers.image.created\":\"31/01/2024\"}")),
                Arguments.of("OCI-REF-NAME", index(CHILD.replace("}", ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"v1.0\"}}"), ""),
                        index(CHILD.replace("}", ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"../../etc\"}}"), "")),
                Arguments.of("OCI-INDEX-MANIFESTS-MISSING", index(CHILD, ""), index(CHILD, "").replace("\"manifests\"", "\"entries\"")),
                Arguments.of("OCI-INDEX-NON-MANIFEST-CHILD", index(CHILD, ""), index(BLOB, "")),
                Arguments.of("OCI-INDEX-MIXED-MEDIA-TYPES", index(CHILD + "," + CHILD, ""),
                        index(CHILD + "," + CHILD.replace(MediaType.OCI_MANIFEST, MediaType.DOCKER_MANIFEST), "")),
                Arguments.of("OCI-PLATFORM-FIELD", index(CHILD.replace("}", ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}"), ""),
                        index(CHILD.replace("}", ",\"platform\":{\"os\":\"linux\"}}"), "")),
                Arguments.of("OCI-PLATFORM-UNKNOWN", index(CHILD.replace("}", ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}"), ""),
                        index(CHILD.replace("}", ",\"platform\":{\"os\":\"Linux\",\"architecture\":\"aarch64\"}}"), "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checks")
    void eachCheckPassesAValidDocumentAndFlagsAnInvalidOne(String code, String valid, String invalid) throws IOException {
        String type = valid.contains("\"manifests\"") ? MediaType.OCI_INDEX : MediaType.OCI_MANIFEST;
        assertFalse(codes(valid, type, valid.length()).contains(code), "valid: " + codes(valid, type, valid.length()));
        assertTrue(codes(invalid, type, invalid.length()).contains(code), "invalid: " + codes(invalid, type, invalid.length()));
    }

    @Test
    void aManifestOverFourMebibytesIsFlaggedBySize() throws IOException {
        assertFalse(codes(image(""), MediaType.OCI_MANIFEST, 4L << 20).contains("OCI-MANIFEST-TOO-LARGE"));
        assertTrue(codes(image(""), MediaType.OCI_MANIFEST, (4L << 20) + 1).contains("OCI-MANIFEST-TOO-LARGE"));
    }

    @Test
    void rfc3339AcceptsItsVariantsAndRefusesImpossibleDates() {
        for (String ok : List.of("2024-01-31T12:00:00Z", "2024-01-31t12:00:00z", "2024-01-31 12:00:00+05:30",
                "2024-01-31T12:00:00.123456789-08:00")) {
            assertTrue(SpecChecks.isRfc3339(ok), ok);
        }
        for (String bad : List.of("2024-02-30T12:00:00Z", "2024-01-31T12:00:00", "2024-01-31", "2024-1-31T12:00:00Z")) {
            assertFalse(SpecChecks.isRfc3339(bad), bad);
        }
    }

    @Test
    void aValidImageAndAValidArtifactHaveNoFindingsAtAll() throws IOException {
        assertEquals(List.of(), codes(image(""), MediaType.OCI_MANIFEST, 100));
        assertEquals(List.of(), codes(manifest("\"artifactType\":\"application/spdx+json\",\"config\":" + EMPTY
                + ",\"layers\":[" + BLOB + "],\"subject\":" + CHILD), MediaType.OCI_MANIFEST, 100));
    }
}
