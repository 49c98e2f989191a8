package dev.ocilayout.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Address.Kind;
import org.junit.jupiter.api.Test;

/** The one reference grammar (spec-notes/references.md), form by form. */
class AddressTest {
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void aPlainLayoutReferenceSplitsAtTheLastColonAfterTheLastSlash() {
        assertEquals(new Address(Kind.LAYOUT, "./l", null, "v1", null), Address.parse("./l:v1"));
        assertEquals(new Address(Kind.LAYOUT, "./a:b/c", null, null, null), Address.parse("./a:b/c"));
        assertEquals(new Address(Kind.LAYOUT, "./l", null, null, Digest.parse(DIGEST)), Address.parse("./l@" + DIGEST));
    }

    @Test
    void ociTakesTheWholeRefNameAfterTheFirstColon() {
        Address a = Address.parse("oci:pm-oci-dir:localhost/bimg:2");
        assertEquals(Kind.LAYOUT, a.kind());
        assertEquals("pm-oci-dir", a.location());
        assertEquals("localhost/bimg:2", a.name());
        assertEquals("oci:pm-oci-dir:localhost/bimg:2", a.toString());
        assertEquals(Digest.parse(DIGEST), Address.parse("oci:dir@" + DIGEST).digest());
        assertTrue(Address.parse("oci:dir").isLocationOnly());
    }

    @Test
    void archivesAreAddressedByTheirTransport() {
        Address oci = Address.parse("oci-archive:/tmp/app.tar.gz:v1");
        assertEquals(new Address(Kind.OCI_ARCHIVE, "/tmp/app.tar.gz", null, "v1", null), oci);
        Address docker = Address.parse("docker-archive:app.tar:example.com/team/app:v1");
        assertEquals(new Address(Kind.DOCKER_ARCHIVE, "app.tar", null, "example.com/team/app:v1", null), docker);
        assertEquals(Digest.parse(DIGEST), Address.parse("docker-archive:app.tar@" + DIGEST).digest());
    }

    @Test
    void aRegistryIsNamedByItsPrefixOrByAHostLikeFirstComponent() {
        Address a = Address.parse("docker://localhost:5000/team/app:v1");
        assertEquals(new Address(Kind.REGISTRY, "localhost:5000", "team/app", "v1", null), a);
        assertEquals(a, Address.parse("localhost:5000/team/app:v1"));
        assertEquals(Digest.parse(DIGEST), Address.parse("registry.example.com/app@" + DIGEST).digest());
        assertEquals(Kind.LAYOUT, Address.parse("./registry.example.com/app").kind(), "a path is a path");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Address.parse("dir@sha256:../../etc/x"))
                .getMessage().contains("invalid digest"), "no host has '@': a layout with a bad digest");
        assertEquals(Kind.REGISTRY, Address.parse("[::1]:5000/app:v1").kind());
        assertNull(Address.parse("127.0.0.1:5000/app").name(), "no tag: the command decides (latest, or every tag)");
    }

    @Test
    void layoutGivenApartTakesAnyRefNameOrADigest() {
        assertEquals("localhost/bimg:2", Address.inLayout("d:ir", "localhost/bimg:2").name());
        assertEquals(Digest.parse(DIGEST), Address.inLayout("d:ir", "@" + DIGEST).digest());
        assertEquals(Digest.parse(DIGEST), Address.inLayout("d:ir", DIGEST).digest());
        assertTrue(Address.inLayout("d", null).isLocationOnly());
        assertEquals("v1:x", Address.inLayout("d", "v1:x").name(), "fits the digest grammar, but is a tag");
        assertEquals("v1:x", Address.parse("oci:d:v1:x").name());
    }

    @Test
    void aMalformedReferenceSaysWhichFormItLookedLikeAndWhy() {
        IllegalArgumentException repo = assertThrows(IllegalArgumentException.class,
                () -> Address.parse("docker://localhost:5000/Team/App:v1"));
        assertTrue(repo.getMessage().contains("read as [docker://]REGISTRY/REPO[:TAG|@DIGEST], but repository \"Team/App\""),
                repo.getMessage());
        IllegalArgumentException noRepo = assertThrows(IllegalArgumentException.class, () -> Address.parse("docker://host"));
        assertTrue(noRepo.getMessage().contains("no '/' between the registry and the repository"), noRepo.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> Address.parse("oci-archive:app.tar:"));
        assertTrue(empty.getMessage().contains("read as oci-archive:FILE[:REF|@DIGEST], but nothing after"), empty.getMessage());
        IllegalArgumentException digest = assertThrows(IllegalArgumentException.class,
                () -> Address.parse("oci:dir@sha256:short"));
        assertTrue(digest.getMessage().contains("read as DIR[:TAG|@DIGEST] or oci:DIR[:REF|@DIGEST]"), digest.getMessage());
    }
}
