package dev.ocilayout.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.error.InvalidContentException;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import dev.ocilayout.model.ModelJson;
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

    /** A signed image whose signature documents the tests below alter, one thing each. */
    private static final class Signed {
        final Layout layout;
        final LayoutBuilder b;
        final Descriptor image;
        final KeyPair pair = Keys.generate();
        final Signing.Signed signed;

        Signed() throws Exception {
            layout = Layout.create(TestFs.unixRoot().resolve("l"));
            b = new LayoutBuilder(layout);
            image = b.image("img", "layer");
            b.tag("v1", image);
            signed = Signing.sign(layout, null, image, "example.com/app", pair.getPrivate());
        }

        ObjectNode sigManifest() throws Exception {
            return (ObjectNode) ModelJson.readTree(layout.readManifestBytes(layout.resolveTag(signed.sigTag())), "sig");
        }

        /** Stores {@code manifest} under the .sig tag, in place of the signature's. */
        void retag(ObjectNode manifest) throws Exception {
            byte[] bytes = ModelJson.mapper().writeValueAsBytes(manifest);
            b.tag(signed.sigTag(), layout.blobs().put(bytes, MediaType.OCI_MANIFEST));
        }

        byte[] read(com.fasterxml.jackson.databind.JsonNode blob) throws Exception {
            try (var in = layout.blobs().open(dev.ocilayout.digest.Digest.parse(blob.get("digest").asText()))) {
                return in.readAllBytes();
            }
        }

        void assertRefused(String format, String reason) throws Exception {
            Signing.Found f = Signing.verify(layout, null, image, pair.getPublic()).stream()
                    .filter(x -> x.format().equals(format)).findFirst().orElseThrow();
            assertFalse(f.valid(), f.toString());
            assertEquals(reason, f.reason());
        }
    }

    @Test
    void aChangedSignatureAnnotationIsRefusedWithTheReason() throws Exception {
        Signed s = new Signed();
        ObjectNode m = s.sigManifest();
        ObjectNode layer = (ObjectNode) m.get("layers").get(0);
        byte[] sig = java.util.Base64.getDecoder().decode(layer.get("annotations").get(Signing.SIGNATURE_ANNOTATION).asText());
        sig[sig.length - 1] ^= 1;
        ((ObjectNode) layer.get("annotations")).put(Signing.SIGNATURE_ANNOTATION, java.util.Base64.getEncoder().encodeToString(sig));
        s.retag(m);
        s.assertRefused("simple-signing (.sig tag)", "the signature does not verify with this key over the payload");
    }

    @Test
    void aChangedPayloadUnderTheSameSignatureIsRefusedWithTheReason() throws Exception {
        Signed s = new Signed();
        ObjectNode m = s.sigManifest();
        ObjectNode layer = (ObjectNode) m.get("layers").get(0);
        byte[] payload = s.read(layer);
        byte[] changed = new String(payload, StandardCharsets.UTF_8).replace("example.com/app", "example.com/evil")
                .getBytes(StandardCharsets.UTF_8);
        Descriptor stored = s.layout.blobs().put(changed, layer.get("mediaType").asText());
        layer.put("digest", stored.digest().toString()).put("size", stored.size());
        s.retag(m);
        s.assertRefused("simple-signing (.sig tag)", "the signature does not verify with this key over the payload");
    }

    @Test
    void aChangedBundleStatementIsRefusedWithTheReason() throws Exception {
        Signed s = new Signed();
        Descriptor referrer = s.signed.bundleReferrer();
        ObjectNode m = (ObjectNode) ModelJson.readTree(s.layout.readManifestBytes(referrer), "bundle manifest");
        ObjectNode layer = (ObjectNode) m.get("layers").get(0);
        ObjectNode bundle = (ObjectNode) ModelJson.readTree(s.read(layer), "bundle");
        ObjectNode env = (ObjectNode) bundle.get("dsseEnvelope");
        String statement = new String(java.util.Base64.getDecoder().decode(env.get("payload").asText()), StandardCharsets.UTF_8);
        env.put("payload", java.util.Base64.getEncoder().encodeToString(statement.replace("\"predicate\"", "\"predicate\" ")
                .getBytes(StandardCharsets.UTF_8)));
        Descriptor stored = s.layout.blobs().put(ModelJson.mapper().writeValueAsBytes(bundle), Signing.BUNDLE);
        layer.put("digest", stored.digest().toString()).put("size", stored.size());
        // the altered referrer replaces the signed one: detached, the new one attached
        dev.ocilayout.referrers.Referrers.detach(s.layout, referrer.digest());
        Descriptor altered = s.layout.blobs().put(ModelJson.mapper().writeValueAsBytes(m), MediaType.OCI_MANIFEST);
        s.layout.index().update(i -> new dev.ocilayout.referrers.SubjectAnnotationStrategy().add(s.layout, i,
                s.image.digest(), altered.withArtifactType(Signing.BUNDLE)));
        s.assertRefused("sigstore bundle (referrer)", "the DSSE signature does not verify with this key");
    }
}
