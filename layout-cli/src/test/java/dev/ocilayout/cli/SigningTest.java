package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.PeerTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline signing and verification (issue #25), checked by an independent verifier: openssl verifies every
 * signature we write, and a key openssl makes signs through us.
 */
class SigningTest {
    @TempDir
    Path tmp;
    Path layout;
    String digest;

    @BeforeEach
    void anImage() throws Exception {
        PeerTools.require("openssl");
        layout = InteropTest.umociImage(tmp);
        digest = ok(Cli.run("resolve", layout + ":v1")).out().trim();
    }

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private PeerTools.Result openssl(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "openssl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return PeerTools.run(tmp, cmd);
    }

    /** An openssl key pair: PKCS#8 private key, SubjectPublicKeyInfo public key. */
    private Path[] opensslKeys(String name) throws Exception {
        Path key = tmp.resolve(name + ".key");
        Path pub = tmp.resolve(name + ".pub");
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString())
                .assertOk("openssl genpkey");
        openssl("pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()).assertOk("openssl pkey -pubout");
        return new Path[] {key, pub};
    }

    /** The bundle among an image's referrers (its cosign tags are listed too). */
    static JsonNode bundleOf(JsonNode referrers) {
        for (JsonNode m : referrers.get("manifests")) {
            if ("application/vnd.dev.sigstore.bundle.v0.3+json".equals(m.path("artifactType").asText())) {
                return m;
            }
        }
        throw new AssertionError("no bundle among " + referrers);
    }

    @Test
    void discoverListsCosignsTagsWithTheirSubjectAndGcDropsThemWithIt() throws Exception {
        Path[] keys = opensslKeys("d");
        ok(Cli.run("sign", layout + ":v1", "--key", keys[0].toString()));
        JsonNode referrers = json(ok(Cli.run("discover", layout + ":v1", "--format", "json")));
        java.util.List<String> types = referrers.get("manifests").findValuesAsText("artifactType");
        assertTrue(types.contains("application/vnd.dev.cosign.artifact.sig.v1+json"), types.toString());
        assertTrue(types.contains("application/vnd.dev.sigstore.bundle.v0.3+json"), types.toString());
        ok(Cli.run("gc", layout.toString(), "--grace", "0s"));
        ok(Cli.run("resolve", layout + ":sha256-" + digest.substring(7) + ".sig")); // kept with its subject
        ok(Cli.run("untag", layout + ":v1"));
        ok(Cli.run("gc", layout.toString(), "--grace", "0s"));
        assertEquals(3, Cli.run("resolve", layout + ":sha256-" + digest.substring(7) + ".sig").exit(),
                "gone with its subject");
    }

    private JsonNode json(Cli.Result r) throws Exception {
        return ModelJson.mapper().readTree(r.out());
    }

    @Test
    void opensslVerifiesTheSimpleSigningSignatureAndTheBundlesDsseSignature() throws Exception {
        Path[] keys = opensslKeys("o");
        ok(Cli.run("sign", layout + ":v1", "--key", keys[0].toString()));
        String sigTag = "sha256-" + digest.substring(7) + ".sig";
        JsonNode sigImage = json(ok(Cli.run("cat", layout + ":" + sigTag)));
        JsonNode layer = sigImage.get("layers").get(0);
        assertEquals("application/vnd.dev.cosign.simplesigning.v1+json", layer.get("mediaType").asText());
        Path payload = layout.resolve("blobs/sha256/" + layer.get("digest").asText().substring(7));
        assertEquals("{\"critical\":{\"identity\":{\"docker-reference\":\"umoci-layout\"},\"image\":{\"docker-manifest-digest\":\""
                + digest + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}", Files.readString(payload));
        Path sig = Files.write(tmp.resolve("sig.der"), Base64.getDecoder().decode(
                layer.get("annotations").get("dev.cosignproject.cosign/signature").asText()));
        PeerTools.Result v = openssl("dgst", "-sha256", "-verify", keys[1].toString(), "-signature", sig.toString(),
                payload.toString());
        v.assertOk("openssl verifies the simple-signing signature");
        assertTrue(v.stdout().contains("Verified OK"), v.stdout());

        JsonNode referrers = json(ok(Cli.run("discover", layout + ":v1", "--format", "json")));
        JsonNode bundleRef = bundleOf(referrers);
        assertEquals("application/vnd.dev.sigstore.bundle.v0.3+json", bundleRef.get("artifactType").asText());
        JsonNode bundleManifest = json(ok(Cli.run("cat", layout + "@" + bundleRef.get("digest").asText())));
        JsonNode bundle = ModelJson.mapper().readTree(layout.resolve("blobs/sha256/"
                + bundleManifest.get("layers").get(0).get("digest").asText().substring(7)).toFile());
        JsonNode envelope = bundle.get("dsseEnvelope");
        byte[] body = Base64.getDecoder().decode(envelope.get("payload").asText());
        String type = envelope.get("payloadType").asText();
        byte[] head = ("DSSEv1 " + type.length() + " " + type + " " + body.length + " ").getBytes(StandardCharsets.UTF_8);
        byte[] pae = new byte[head.length + body.length];
        System.arraycopy(head, 0, pae, 0, head.length);
        System.arraycopy(body, 0, pae, head.length, body.length);
        Path paeFile = Files.write(tmp.resolve("pae.bin"), pae);
        Path dsseSig = Files.write(tmp.resolve("dsse.der"), Base64.getDecoder().decode(
                envelope.get("signatures").get(0).get("sig").asText()));
        openssl("dgst", "-sha256", "-verify", keys[1].toString(), "-signature", dsseSig.toString(), paeFile.toString())
                .assertOk("openssl verifies the DSSE signature over the PAE");
        JsonNode statement = ModelJson.mapper().readTree(body);
        assertEquals("https://sigstore.dev/cosign/sign/v1", statement.get("predicateType").asText());
        assertEquals(digest.substring(7), statement.get("subject").get(0).get("digest").get("sha256").asText());
    }

    @Test
    void ourKeysAreOnesOpensslReadsAndVerifyFindsBothSignatures() throws Exception {
        Path prefix = tmp.resolve("ours");
        ok(Cli.run("key", "generate", "-o", prefix.toString()));
        openssl("pkey", "-in", prefix + ".key", "-noout").assertOk("openssl reads our private key");
        openssl("pkey", "-pubin", "-in", prefix + ".pub", "-noout").assertOk("openssl reads our public key");
        ok(Cli.run("sign", layout + ":v1", "--key", prefix + ".key"));
        JsonNode v = json(ok(Cli.run("verify", layout + ":v1", "--key", prefix + ".pub", "--format", "json")));
        assertTrue(v.get("valid").asBoolean());
        assertEquals(2, v.get("signatures").size(), v.toString());
        v.get("signatures").forEach(s -> assertTrue(s.get("valid").asBoolean(), s.toString()));
        Cli.Result again = ok(Cli.run("sign", layout + ":v1", "--key", prefix + ".key"));
        assertTrue(again.out().contains("already held this signature"), again.out());
    }

    @Test
    void anEncryptedKeyNeedsItsPasswordAndOpensslReadsItWithTheSame() throws Exception {
        Path prefix = tmp.resolve("enc");
        ok(Cli.runWithInput("s3cret\n".getBytes(StandardCharsets.UTF_8), "key", "generate", "-o", prefix.toString(),
                "--password-stdin"));
        assertTrue(Files.readString(Path.of(prefix + ".key")).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        openssl("pkey", "-in", prefix + ".key", "-passin", "pass:s3cret", "-noout").assertOk("openssl decrypts it");
        CliTest.assertOneLineError(Cli.run("sign", layout + ":v1", "--key", prefix + ".key"), 1, "is encrypted");
        CliTest.assertOneLineError(Cli.runWithInput("wrong".getBytes(StandardCharsets.UTF_8), "sign", layout + ":v1",
                "--key", prefix + ".key", "--password-stdin"), 1, "wrong password");
        ok(Cli.runWithInput("s3cret".getBytes(StandardCharsets.UTF_8), "sign", layout + ":v1", "--key", prefix + ".key",
                "--password-stdin"));
        ok(Cli.run("verify", layout + ":v1", "--key", prefix + ".pub"));
    }

    @Test
    void aWrongKeyAnotherImagesSignatureAndNoSignatureAreEachRefusedWithTheReason() throws Exception {
        Path[] signer = opensslKeys("signer");
        Path[] other = opensslKeys("other");
        ok(Cli.run("sign", layout + ":v1", "--key", signer[0].toString()));
        Cli.Result wrongKey = Cli.run("verify", layout + ":v1", "--key", other[1].toString());
        assertEquals(1, wrongKey.exit(), wrongKey.toString());
        assertTrue(wrongKey.out().contains("does not verify with this key"), wrongKey.out());

        Cli.Result none = Cli.run("verify", layout + ":base", "--key", signer[1].toString());
        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.out().contains("no signatures of "), none.out());

        // base is another image: give it v1's signature image under its own .sig tag
        String base = ok(Cli.run("resolve", layout + ":base")).out().trim();
        String v1Sig = ok(Cli.run("resolve", layout + ":sha256-" + digest.substring(7) + ".sig")).out().trim();
        ok(Cli.run("tag", layout + "@" + v1Sig, "sha256-" + base.substring(7) + ".sig"));
        Cli.Result moved = Cli.run("verify", layout + ":base", "--key", signer[1].toString());
        assertEquals(1, moved.exit(), moved.toString());
        assertTrue(moved.out().contains("the payload signs " + digest + ", not " + base), moved.out());

    }

    @Test
    void anAttestationIsADsseEnvelopeUnderTheAttTagAndABundleThatVerifyChecks() throws Exception {
        Path[] keys = opensslKeys("a");
        Path sbom = dev.ocilayout.testing.TestData.dir().resolve("files/sbom.spdx.json");
        ok(Cli.run("attest", layout + ":v1", "--key", keys[0].toString(), "--predicate", sbom.toString(), "--type", "spdx"));
        JsonNode att = json(ok(Cli.run("cat", layout + ":sha256-" + digest.substring(7) + ".att")));
        JsonNode layer = att.get("layers").get(0);
        assertEquals("application/vnd.dsse.envelope.v1+json", layer.get("mediaType").asText());
        assertEquals("https://spdx.dev/Document", layer.get("annotations").get("predicateType").asText());
        JsonNode envelope = ModelJson.mapper().readTree(layout.resolve("blobs/sha256/"
                + layer.get("digest").asText().substring(7)).toFile());
        byte[] body = Base64.getDecoder().decode(envelope.get("payload").asText());
        String type = envelope.get("payloadType").asText();
        byte[] head = ("DSSEv1 " + type.length() + " " + type + " " + body.length + " ").getBytes(StandardCharsets.UTF_8);
        Path pae = tmp.resolve("att.pae");
        Files.write(pae, head);
        Files.write(pae, body, java.nio.file.StandardOpenOption.APPEND);
        Path sig = Files.write(tmp.resolve("att.der"), Base64.getDecoder().decode(
                envelope.get("signatures").get(0).get("sig").asText()));
        openssl("dgst", "-sha256", "-verify", keys[1].toString(), "-signature", sig.toString(), pae.toString())
                .assertOk("openssl verifies the attestation's DSSE signature");
        JsonNode statement = ModelJson.mapper().readTree(body);
        assertEquals("umoci-layout", statement.get("subject").get(0).get("name").asText());
        assertEquals(ModelJson.mapper().readTree(sbom.toFile()), statement.get("predicate"), "the SBOM as the predicate");

        JsonNode v = json(ok(Cli.run("verify", layout + ":v1", "--key", keys[1].toString(), "--type", "attestation",
                "--format", "json")));
        assertEquals(2, v.get("signatures").size(), v.toString());
        v.get("signatures").forEach(f -> {
            assertTrue(f.get("valid").asBoolean(), f.toString());
            assertEquals("https://spdx.dev/Document", f.get("predicateType").asText());
        });
        Cli.Result noSignature = Cli.run("verify", layout + ":v1", "--key", keys[1].toString());
        assertEquals(1, noSignature.exit(), "an attestation is not a signature: " + noSignature);
        CliTest.assertOneLineError(Cli.run("attest", layout + ":v1", "--key", keys[0].toString(), "--predicate",
                sbom.toString(), "--type", "nonsense"), 2, "is neither spdx, cyclonedx");
        Path notJson = Files.writeString(tmp.resolve("p.txt"), "not json");
        CliTest.assertOneLineError(Cli.run("attest", layout + ":v1", "--key", keys[0].toString(), "--predicate",
                notJson.toString(), "--type", "custom"), 1, "the predicate");
    }

    @Test
    void importAndCopyWithRequireSignatureRefuseAnUnsignedImageAndTakeASignedOne() throws Exception {
        Path[] keys = opensslKeys("k");
        Path[] stranger = opensslKeys("stranger");
        Path unsignedTar = tmp.resolve("unsigned.tar");
        ok(Cli.run("export", layout + ":v1", "-o", unsignedTar.toString()));
        Path dst = tmp.resolve("dst");
        CliTest.assertOneLineError(Cli.run("import", unsignedTar.toString(), dst.toString(), "--require-signature",
                keys[1].toString()), 4, "v1 (" + digest + ") has no valid signature by the key given (none found)");
        assertTrue(!Files.exists(dst.resolve("index.json")) || ok(Cli.run("tags", dst.toString())).out().isEmpty(),
                "nothing tagged");
        CliTest.assertOneLineError(Cli.run("copy", layout + ":v1", dst.toString(), "--require-signature",
                keys[1].toString()), 4, "has no valid signature");

        ok(Cli.run("sign", layout + ":v1", "--key", keys[0].toString()));
        Path signedTar = tmp.resolve("signed.tar");
        ok(Cli.run("export", layout + ":v1", layout + ":sha256-" + digest.substring(7) + ".sig", "--referrers", "-o",
                signedTar.toString()));
        CliTest.assertOneLineError(Cli.run("import", signedTar.toString(), dst.toString(), "--require-signature",
                stranger[1].toString()), 4, "does not verify with this key");
        ok(Cli.run("import", signedTar.toString(), dst.toString(), "--require-signature", stranger[1].toString(),
                "--require-signature", keys[1].toString()));
        ok(Cli.run("verify", dst + ":v1", "--key", keys[1].toString()));
        ok(Cli.run("copy", layout + ":v1", tmp.resolve("copied").toString(), "--require-signature", keys[1].toString()));
    }

    @Test
    void serveWithRequireSignatureTagsOnlyAnImageSignedBeforeItsTag() throws Exception {
        Path[] keys = opensslKeys("k");
        Path root = tmp.resolve("registry");
        try (dev.ocilayout.serve.RegistryServer server = dev.ocilayout.serve.RegistryServer.start(
                new dev.ocilayout.serve.RegistryServer.Options(root, new java.net.InetSocketAddress("127.0.0.1", 0),
                        false, 16, dev.ocilayout.LayoutOptions.defaults()).withRequiredSignatures(
                        java.util.List.of(dev.ocilayout.sign.Keys.readPublic(Files.readAllBytes(keys[1]), "pub"))))) {
            String repo = ServeInteropTest.host(server) + "/team/app";
            PeerTools.Result refused = PeerTools.run(tmp, "skopeo", "copy", "--dest-tls-verify=false",
                    "oci:" + layout + ":v1", "docker://" + repo + ":v1");
            assertTrue(refused.exitCode() != 0 && refused.stderr().contains("has no valid signature"),
                    "skopeo's push of an unsigned image is refused with the reason: " + refused.stderr());
            assertEquals(3, Cli.run("resolve", repo + ":v1", "--plain-http").exit(), "not tagged");

            ok(Cli.run("sign", layout + ":v1", "--key", keys[0].toString()));
            // copy --referrers pushes the image by digest and its bundle before the tag
            ok(Cli.run("copy", layout + ":v1", repo + ":v1", "--plain-http", "--referrers"));
            assertEquals(digest, ok(Cli.run("resolve", repo + ":v1", "--plain-http")).out().trim());
            ok(Cli.run("verify", repo + ":v1", "--plain-http", "--key", keys[1].toString()));
        }
    }

    @Test
    void exportOfOneImageWithReferrersCarriesItsCosignTagAsATag() throws Exception {
        Path[] keys = opensslKeys("k");
        ok(Cli.run("sign", layout + ":v1", "--key", keys[0].toString()));
        Path tar = tmp.resolve("one.tar");
        ok(Cli.run("export", layout + ":v1", "--referrers", "-o", tar.toString()));
        JsonNode inPlace = json(ok(Cli.run("verify", "oci-archive:" + tar + ":v1", "--key", keys[1].toString(),
                "--format", "json")));
        assertEquals(2, inPlace.get("signatures").size(), "verified in the archive, read in place: " + inPlace);
        Path imported = tmp.resolve("imported");
        ok(Cli.run("import", tar.toString(), imported.toString(), "--require-signature", keys[1].toString()));
        assertTrue(ok(Cli.run("tags", imported.toString())).out().contains("sha256-" + digest.substring(7) + ".sig"),
                "the .sig tag came along as a tag, not as a record the importer drops");
        JsonNode v = json(ok(Cli.run("verify", imported + ":v1", "--key", keys[1].toString(), "--format", "json")));
        assertEquals(2, v.get("signatures").size(), "the .sig tag and the bundle: " + v);
    }

    @Test
    void signaturesSurviveExportImportAndARoundTripThroughTheDistributionRegistry() throws Exception {
        Path[] keys = opensslKeys("k");
        ok(Cli.run("sign", layout + ":v1", "--key", keys[0].toString()));
        Path tar = tmp.resolve("all.tar");
        ok(Cli.run("export", layout.toString(), "-o", tar.toString()));
        Path imported = tmp.resolve("imported");
        ok(Cli.run("import", tar.toString(), imported.toString()));
        assertTrue(json(ok(Cli.run("verify", imported + ":v1", "--key", keys[1].toString(), "--format", "json")))
                .get("signatures").size() == 2);
        try (Distribution registry = Distribution.start(Files.createDirectories(tmp.resolve("reg")), "")) {
            String repo = registry.host() + "/team/app";
            // one image with --referrers: cosign's tags of it come along as tags, the bundle as a referrer
            JsonNode pushed = json(ok(Cli.run("copy", imported + ":v1", repo + ":v1", "--plain-http", "--referrers",
                    "--format", "json")));
            assertEquals("sha256-" + digest.substring(7) + ".sig", pushed.get(0).get("cosignTags").get(0).asText());
            Path back = tmp.resolve("back");
            ok(Cli.run("copy", repo + ":v1", back.toString(), "--plain-http", "--referrers"));
            JsonNode v = json(ok(Cli.run("verify", back + ":v1", "--key", keys[1].toString(), "--format", "json")));
            assertEquals(2, v.get("signatures").size(), "the .sig tag and the bundle came back: " + v);
            v.get("signatures").forEach(s -> assertTrue(s.get("valid").asBoolean(), s.toString()));
        }
    }
}
