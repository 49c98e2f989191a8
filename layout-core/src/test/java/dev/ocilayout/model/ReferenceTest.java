package dev.ocilayout.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import org.junit.jupiter.api.Test;

class ReferenceTest {
    static final String DIGEST = "sha256:" + DigestTest.HEX64;

    @Test
    void aPathAloneNamesTheLayout() {
        Reference r = Reference.parse("./out/layout");
        assertEquals("./out/layout", r.layout());
        assertTrue(r.isLayoutOnly());
    }

    @Test
    void theTagIsAfterTheLastColonThatFollowsTheLastSlash() {
        Reference r = Reference.parse("dir:v1");
        assertEquals("dir", r.layout());
        assertEquals("v1", r.tag());
        Reference nested = Reference.parse("a:b/c:v2");
        assertEquals("a:b/c", nested.layout());
        assertEquals("v2", nested.tag());
        Reference colonInDir = Reference.parse("./a:b/c");
        assertEquals("./a:b/c", colonInDir.layout());
        assertNull(colonInDir.tag());
    }

    @Test
    void aDigestFollowsTheLastAt() {
        Reference r = Reference.parse("my@dir/layout@" + DIGEST);
        assertEquals("my@dir/layout", r.layout());
        assertEquals(Digest.parse(DIGEST), r.digest());
    }

    @Test
    void badTagsAndDigestsAreRejectedWithTheirReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Reference.parse("dir:"))
                .getMessage().contains("empty tag"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Reference.parse("dir:-bad"))
                .getMessage().contains("invalid tag"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Reference.parse("dir@sha256:../../x"))
                .getMessage().contains("invalid digest"));
        assertThrows(IllegalArgumentException.class, () -> Reference.parse(":v1"));
    }

    @Test
    void withAnExplicitLayoutTheArgumentIsATagOrDigest() {
        assertEquals("v1", Reference.inLayout("a:b", "v1").tag());
        assertEquals(Digest.parse(DIGEST), Reference.inLayout("a:b", "@" + DIGEST).digest());
        assertEquals(Digest.parse(DIGEST), Reference.inLayout("a:b", DIGEST).digest());
        assertTrue(Reference.inLayout("a:b", null).isLayoutOnly());
        assertEquals("a:b", Reference.inLayout("a:b", "v1").layout());
    }
}
