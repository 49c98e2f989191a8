package dev.ocilayout.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.ModelJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** reliability.md section 5, digests and JSON documents: each bad input and what it must give. */
class BadInputsCorpusTest {
    static final String HEX = "a".repeat(64);

    static Stream<String> refusedDigests() {
        return Stream.of("sha256:../../x", "sha256:" + HEX + "/../x", "../sha256:" + HEX, "sha256:", ":abc", "sha256",
                "SHA256:" + HEX, "sha256:" + HEX.toUpperCase(), "sha256:" + HEX.substring(1), "sha256:" + HEX + "a",
                "sha256:" + HEX + "\n", "sha256:" + "\uff11".repeat(64), "sha256:" + HEX + " ", "sha256::" + HEX,
                "sha512:" + HEX, "a..b:xyz", "sha256:" + HEX + "%2f..", "sha123:" + "x".repeat(1 << 20));
    }

    @ParameterizedTest
    @MethodSource("refusedDigests")
    void aBadDigestIsRefused(String digest) {
        assertNull(Digest.tryParse(digest));
        assertThrows(IllegalArgumentException.class, () -> Digest.parse(digest));
    }

    @Test
    void aWellFormedDigestOfAnUnsupportedAlgorithmIsReadOnly() {
        for (String d : new String[] {"sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "md5:" + "a".repeat(32)}) {
            Digest parsed = Digest.tryParse(d);
            assertNotNull(parsed, d);
            assertTrue(parsed.knownAlgorithm().isEmpty(), d + ": never written, only read");
        }
    }

    static String entry(String extra) {
        return "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"sha256:" + HEX + "\",\"size\":1" + extra + "}]}";
    }

    static Stream<Arguments> refusedIndexes() {
        return Stream.of(
                Arguments.of("{\"schemaVersion\":2,\"manifests\":[", "Unexpected end-of-input"),
                Arguments.of("", "empty document"),
                Arguments.of("null", "got null"),
                Arguments.of("[]", "got an array"),
                Arguments.of("{\"schemaVersion\":2,\"manifests\":null}", "manifests: must be an array"),
                Arguments.of("{\"schemaVersion\":2,\"manifests\":[],\"manifests\":[]}", "Duplicate field 'manifests'"),
                Arguments.of("{\"schemaVersion\":2,\"Manifests\":[]}", "differs from \"manifests\" only in case"),
                Arguments.of("{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}", "CVE-2021-41190"),
                Arguments.of(entry("").replace("\"size\":1", "\"size\":-1"), "must not be negative"),
                Arguments.of(entry("").replace("\"size\":1", "\"size\":\"1\""), "must be an integer"),
                Arguments.of(entry(",\"data\":\"!!!\""), "not valid base64"),
                Arguments.of("{\"schemaVersion\":2,\"manifests\":[]} garbage", "Unrecognized token 'garbage'"),
                Arguments.of("{\"schemaVersion\":2,\"manifests\":[],\"annotations\":{\"a\":1}}", "must be a string"),
                Arguments.of("{\"schemaVersion\":2,\"manifests\":[],\"x\":\"" + "y".repeat(25 << 20) + "\"}", "exceeds the maximum"),
                Arguments.of("{\"schemaVersion\":2,\"manifests\":[],\"a\":\"\u0000\"}", "CTRL-CHAR"),
                Arguments.of("{\"schemaVersion\":2,\"manifests\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}",
                        "nesting depth (65) exceeds the maximum allowed (64"));
    }

    @ParameterizedTest
    @MethodSource("refusedIndexes")
    void aBadIndexIsRefusedWithAMessage(String doc, String message) {
        InvalidContentException e = assertThrows(InvalidContentException.class,
                () -> ModelJson.parseIndex(doc.getBytes(StandardCharsets.UTF_8), "index.json"));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith("index.json"), "names the document: " + e.getMessage());
    }

    @Test
    void nonUtf8BytesAreRefused() {
        byte[] doc = {'{', '"', 's', (byte) 0xff, '"', ':', '1', '}'};
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> ModelJson.parseIndex(doc, "index.json"));
        assertTrue(e.getMessage().contains("Invalid UTF-8"), e.getMessage());
    }

    static final String EMPTY_INDEX = "{\"schemaVersion\":2,\"manifests\":[]}";

    @Test
    void aUtf8ByteOrderMarkIsRefusedEverywhere() {
        byte[] doc = ("\uFEFF" + EMPTY_INDEX).getBytes(StandardCharsets.UTF_8);
        for (var parse : List.<org.junit.jupiter.api.function.Executable>of(() -> ModelJson.parseIndex(doc, "index.json"),
                () -> ModelJson.parseManifest(doc, null, "index.json"), () -> ModelJson.layoutVersion(doc, "index.json"),
                () -> ModelJson.readTree(doc, "index.json"))) {
            InvalidContentException e = assertThrows(InvalidContentException.class, parse);
            assertEquals("index.json: starts with a UTF-8 byte order mark, which JSON must not have (RFC 8259 section 8.1)",
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTF-16", "UTF-16BE", "UTF-16LE", "UTF-32BE", "UTF-32LE"})
    void utf16AndUtf32AreRefusedWithOrWithoutAByteOrderMark(String charset) {
        byte[] doc = EMPTY_INDEX.getBytes(java.nio.charset.Charset.forName(charset));
        InvalidContentException e = assertThrows(InvalidContentException.class, () -> ModelJson.parseIndex(doc, "index.json"));
        assertTrue(e.getMessage().contains("JSON must be UTF-8"), e.getMessage());
        assertThrows(InvalidContentException.class, () -> ModelJson.parseManifest(doc, null, "m"));
    }

    @Test
    void oddButLegalDocumentsAreRead() throws InvalidContentException {
        // a size no blob can have (refused when the blob is read), a tag fsck warns about
        assertEquals(Long.MAX_VALUE, ModelJson.parseIndex(entry("").replace("\"size\":1", "\"size\":9223372036854775807")
                .getBytes(StandardCharsets.UTF_8), "i").manifests().get(0).size());
        assertEquals("../../etc", ModelJson.parseIndex(entry(",\"annotations\":{\"org.opencontainers.image.ref.name\":\"../../etc\"}")
                .getBytes(StandardCharsets.UTF_8), "i").manifests().get(0).refName());
    }
}
