package dev.ocilayout.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.error.DigestMismatchException;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.error.SizeMismatchException;
import dev.ocilayout.error.UnsupportedException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RawManifestTest {
    private static final byte[] INDEX = "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);
    private static final Descriptor D = Descriptor.of(MediaType.OCI_INDEX, Digest.sha256(INDEX), INDEX.length);

    @Test
    void keepsTheExactBytesAndParsesThemOnce() throws Exception {
        RawManifest m = RawManifest.of(D, INDEX);
        assertArrayEquals(INDEX, m.bytes());
        assertArrayEquals(INDEX, m.open().readAllBytes());
        assertSame(m.manifest(), m.manifest());
        assertTrue(m.manifest() instanceof ImageIndex);
    }

    @Test
    void bytesOfAnotherSizeAreRefused() {
        Descriptor longer = Descriptor.of(MediaType.OCI_INDEX, D.digest(), INDEX.length + 1);
        assertThrows(SizeMismatchException.class, () -> RawManifest.of(longer, INDEX));
    }

    @Test
    void bytesOfAnotherDigestAreRefused() {
        byte[] other = INDEX.clone();
        other[other.length - 2] = ' ';
        assertThrows(DigestMismatchException.class, () -> RawManifest.of(D, other));
    }

    @Test
    void aDigestThatCannotBeComputedIsRefusedRatherThanTrusted() {
        Descriptor unknown = Descriptor.of(MediaType.OCI_INDEX, Digest.parse("blake3:" + "a".repeat(64)), INDEX.length);
        assertThrows(UnsupportedException.class, () -> RawManifest.of(unknown, INDEX));
    }

    @Test
    void changingTheArrayGivenOrReturnedChangesNothing() throws Exception {
        byte[] given = INDEX.clone();
        RawManifest m = RawManifest.of(D, given);
        given[0] = 'x';
        m.bytes()[0] = 'x';
        assertArrayEquals(INDEX, m.bytes());
    }

    @Test
    void bytesThatAreNotAManifestFailWhenParsedNotWhenHeld() throws Exception {
        byte[] text = "not json".getBytes(StandardCharsets.UTF_8);
        RawManifest m = RawManifest.made(MediaType.OCI_MANIFEST, text);
        assertEquals(Digest.sha256(text), m.digest());
        assertThrows(InvalidContentException.class, m::manifest);
    }
}
