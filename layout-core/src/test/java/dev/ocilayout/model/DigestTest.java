package dev.ocilayout.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.digest.DigestAlgorithm;
import dev.ocilayout.store.LayoutFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
    static final String HEX64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final String HEX128 = HEX64 + HEX64;

    @ParameterizedTest
    @ValueSource(strings = {
        "sha256:" + HEX64,
        "sha512:" + HEX128,
        "blake3:" + HEX64,
        "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564",
        "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
        "a.b-c_d+e:x=y",
    })
    void acceptsDigestsThatFitTheGrammar(String text) {
        Digest d = Digest.parse(text);
        assertEquals(text, d.toString());
        assertTrue(Digest.isValid(text));
        assertEquals(d, Digest.parse(inBuffer(text), 3, text.length()), "from a parser's buffer, the same digest");
    }

    /** The text in the middle of a larger buffer, as a JSON parser holds it. */
    private static char[] inBuffer(String text) {
        return ("x\"" + " " + text + "\"y").toCharArray();
    }

    static Stream<String> badDigests() {
        return Stream.of(
                "sha256:../../x",
                "sha256:" + HEX64 + "/../x",
                "../sha256:" + HEX64,
                "sha256:",
                ":abc",
                "sha256",
                "",
                "SHA256:" + HEX64,
                "sha256:" + HEX64.toUpperCase(),
                "sha256:" + HEX64.substring(1),
                "sha256:" + HEX64 + "0",
                "sha256:" + HEX64 + "\n",
                "sha256:" + "\uff10".repeat(64),
                "sha256:" + "\u0660".repeat(64),
                "sha256:" + HEX64 + " ",
                "sha256::" + HEX64,
                "sha512:" + HEX64,
                "md5:" + "a".repeat(32) + "/",
                "a..b:xyz",
                "a+:xyz",
                "-a:xyz",
                "sha256:" + HEX64 + "%2f..",
                "sha123:" + "a".repeat(1_000_000),
                "sha256:abc\0def");
    }

    @ParameterizedTest
    @MethodSource("badDigests")
    void rejectsDigestsOutsideTheGrammar(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Digest.parse(text));
        assertTrue(e.getMessage().startsWith("invalid digest"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one-line message");
        assertTrue(e.getMessage().length() < 400, "message stays short for huge input");
        assertFalse(Digest.isValid(text));
        IllegalArgumentException fromBuffer = assertThrows(IllegalArgumentException.class,
                () -> Digest.parse(inBuffer(text), 3, text.length()));
        assertEquals(e.getMessage(), fromBuffer.getMessage(), "from a parser's buffer, the same refusal");
    }

    @Test
    void registeredAlgorithmsAreVerifiableOthersOnlyRepresentable() {
        assertEquals(DigestAlgorithm.SHA256, Digest.parse("sha256:" + HEX64).knownAlgorithm().orElseThrow());
        assertEquals(DigestAlgorithm.SHA512, Digest.parse("sha512:" + HEX128).knownAlgorithm().orElseThrow());
        assertTrue(Digest.parse("blake3:" + HEX64).knownAlgorithm().isEmpty());
    }

    @Test
    void sha256OfBytesMatchesTheWellKnownValues() {
        assertEquals(Digest.EMPTY_BLOB, Digest.sha256(new byte[0]));
        assertEquals(Digest.EMPTY_JSON, Digest.sha256("{}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everyParsableDigestMapsToExactlyTwoComponentsUnderBlobs() {
        Path root = Path.of("/layout");
        LayoutFiles files = new LayoutFiles(root);
        Random random = new Random(42);
        String alphabet = "abcdefABCDEF0123456789:=_-+./\\%@ \n";
        int parsed = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + random.nextInt(12);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            if (!Digest.isValid(s)) {
                continue;
            }
            parsed++;
            Path p = files.blob(Digest.parse(s)).normalize();
            assertTrue(p.startsWith(root.resolve("blobs")), s + " -> " + p);
            assertEquals(root.resolve("blobs").getNameCount() + 2, p.getNameCount(), s + " -> " + p);
        }
        assertTrue(parsed > 1000, "the generator produced enough valid digests: " + parsed);
    }

    @Test
    void shortFormIsTwelveCharacters() {
        assertEquals("e3b0c44298fc", Digest.EMPTY_BLOB.shortForm());
    }
}
