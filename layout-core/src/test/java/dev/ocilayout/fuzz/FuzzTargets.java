package dev.ocilayout.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.model.Reference;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer targets of the core's parsers (the archive's are {@code ArchiveFuzzTargets} in layout-archive).
 * Under {@code mvn verify} each replays its seeds (in
 * {@code src/test/resources/dev/ocilayout/fuzz/FuzzTargetsInputs/<target>/}) as a regression test; to fuzz
 * one, see {@code bench/fuzz}. The property every target checks: any input ends in a value or in one of
 * this library's documented exceptions, never another exception, a hang or a write outside the layout.
 */
class FuzzTargets {
    @FuzzTest(maxDuration = "5m")
    void digestParsing(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Digest d = Digest.tryParse(text);
        if (d != null) {
            assertEquals(d, Digest.parse(d.toString()), "a parsed digest prints back to itself");
            assertEquals(-1, d.encoded().indexOf('/'), "never a path separator in a blob name");
        }
    }

    @FuzzTest(maxDuration = "5m")
    void referenceParsing(byte[] input) {
        try {
            Reference r = Reference.parse(new String(input, StandardCharsets.UTF_8));
            assertEquals(r, Reference.parse(r.toString()));
        } catch (IllegalArgumentException expected) {
            // a refused reference
        }
    }

    @FuzzTest(maxDuration = "5m")
    void manifestAndIndexParsing(byte[] input) {
        try {
            ModelJson.parseManifest(input, null, "fuzz");
        } catch (InvalidContentException expected) {
            // refused with a message
        }
        try {
            ModelJson.parseIndex(input, "fuzz");
        } catch (InvalidContentException expected) {
            // refused with a message
        }
    }
}
