package dev.ocilayout.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.testing.LayoutBuilder;
import dev.ocilayout.testing.TestFs;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys in PEM, DSSE's encoding, cosign's payload, and a sign-then-verify on jimfs. */
class KeysAndSigningTest {
    @Test
    void aKeyPairRoundTripsThroughPemPlainAndEncrypted() throws Exception {
        KeyPair pair = Keys.generate();
        byte[] plain = Keys.privatePem(pair.getPrivate(), null).getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(pair.getPrivate().getEncoded(), Keys.readPrivate(plain, null, "k").getEncoded());
        byte[] enc = Keys.privatePem(pair.getPrivate(), "pw".toCharArray()).getBytes(StandardCharsets.US_ASCII);
        assertTrue(new String(enc, StandardCharsets.US_ASCII).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        assertArrayEquals(pair.getPrivate().getEncoded(), Keys.readPrivate(enc, "pw".toCharArray(), "k").getEncoded());
        assertTrue(assertThrows(InvalidContentException.class, () -> Keys.readPrivate(enc, "no".toCharArray(), "k"))
                .getMessage().contains("wrong password"));
        byte[] pub = Keys.publicPem(pair.getPublic()).getBytes(StandardCharsets.US_ASCII);
        assertEquals(pair.getPublic(), Keys.readPublic(pub, "p"));
    }

    @Test
    void thePublicKeyIsComputedFromThePrivateOne() throws Exception {
        for (int i = 0; i < 5; i++) {
            KeyPair pair = Keys.generate();
            assertArrayEquals(pair.getPublic().getEncoded(), Keys.publicOf(pair.getPrivate()).getEncoded());
        }
    }

    @Test
    void paeIsDssesTestVector() {
        assertEquals("DSSEv1 29 http://example.com/HelloWorld 11 hello world", new String(Signing.pae(
                "http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
    }

    @Test
    void aSignedImageVerifiesInBothFormsAndNotWithAnotherKey() throws Exception {
        Layout layout = Layout.create(TestFs.unixRoot().resolve("l"));
        LayoutBuilder b = new LayoutBuilder(layout);
        Descriptor image = b.image("img", "layer");
        b.tag("v1", image);
        KeyPair pair = Keys.generate();
        Signing.Signed s = Signing.sign(layout, null, image, "example.com/app", pair.getPrivate());
        assertEquals("sha256-" + image.digest().encoded() + ".sig", s.sigTag());
        List<Signing.Found> found = Signing.verify(layout, null, image, pair.getPublic());
        assertEquals(List.of("simple-signing (.sig tag)", "sigstore bundle (referrer)"),
                found.stream().map(Signing.Found::format).toList());
        assertTrue(found.stream().allMatch(Signing.Found::valid), found.toString());
        assertFalse(Signing.verify(layout, null, image, Keys.generate().getPublic()).stream().anyMatch(Signing.Found::valid));
        assertTrue(Signing.sign(layout, null, image, "example.com/app", pair.getPrivate()).alreadySigned());
    }

    @Test
    void aSec1KeyIsRefusedWithTheConversionCommand() {
        byte[] sec1 = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(assertThrows(InvalidContentException.class, () -> Keys.readPrivate(sec1, null, "k.pem")).getMessage()
                .contains("openssl pkcs8 -topk8 -nocrypt -in k.pem"));
    }
}
