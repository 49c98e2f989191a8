package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.PeerTools;
import dev.ocilayout.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our Sigstore bundles, verified by Sigstore's own JavaScript verifier (@sigstore/verify from npm), offline. */
class SigstoreVerifyTest {
    @TempDir
    Path tmp;

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    /** testdata/sigstore/SCRIPT beside {@code pkg} installed from npm; skipped where node or npm is absent. */
    private Path nodeScript(String pkg, String script) throws Exception {
        PeerTools.require("node");
        PeerTools.require("npm");
        Path js = Files.createDirectories(tmp.resolve("js"));
        PeerTools.run(js, "npm", "install", "--no-audit", "--no-fund", "--prefix", js.toString(), pkg)
                .assertOk("npm install " + pkg);
        return Files.copy(TestData.dir().resolve("sigstore/" + script), js.resolve(script));
    }

    @Test
    void sigstoreVerifyAcceptsOurBundleAndRefusesATamperedOne() throws Exception {
        Path script = nodeScript("@sigstore/verify@3", "verify.js");
        Path js = script.getParent();

        Path layout = InteropTest.umociImage(tmp);
        String digest = ok(Cli.run("resolve", layout + ":v1")).out().trim();
        Path prefix = tmp.resolve("k");
        ok(Cli.run("key", "generate", "-o", prefix.toString()));
        ok(Cli.run("sign", layout + ":v1", "--key", prefix + ".key"));
        JsonNode referrers = ModelJson.mapper().readTree(ok(Cli.run("discover", layout + ":v1", "--format", "json")).out());
        String referrer = SigningTest.bundleOf(referrers).get("digest").asText();
        JsonNode manifest = ModelJson.mapper().readTree(ok(Cli.run("cat", layout + "@" + referrer)).out());
        Path bundle = layout.resolve("blobs/sha256/" + manifest.get("layers").get(0).get("digest").asText().substring(7));

        PeerTools.Result verified = PeerTools.run(js, "node", script.toString(), bundle.toString(), prefix + ".pub");
        verified.assertOk("@sigstore/verify verifies our bundle");
        assertTrue(verified.stdout().contains("https://sigstore.dev/cosign/sign/v1 " + digest.substring(7)), verified.stdout());

        JsonNode tree = ModelJson.mapper().readTree(bundle.toFile());
        byte[] sig = Base64.getDecoder().decode(tree.get("dsseEnvelope").get("signatures").get(0).get("sig").asText());
        sig[sig.length - 1] ^= 1;
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("dsseEnvelope").get("signatures").get(0))
                .put("sig", Base64.getEncoder().encodeToString(sig));
        Path tampered = Files.write(tmp.resolve("tampered.json"), ModelJson.mapper().writeValueAsBytes(tree));
        PeerTools.Result refused = PeerTools.run(js, "node", script.toString(), tampered.toString(), prefix + ".pub");
        assertTrue(refused.exitCode() != 0, "a tampered signature is refused: " + refused.stdout() + refused.stderr());
    }

    @Test
    void aBundleSigstoreSignMadeWithAKeyIsVerifiedByUs() throws Exception {
        Path script = nodeScript("@sigstore/sign@4", "sign.js");
        Path js = script.getParent();

        Path layout = InteropTest.umociImage(tmp);
        String digest = ok(Cli.run("resolve", layout + ":v1")).out().trim();
        Path prefix = tmp.resolve("k");
        ok(Cli.run("key", "generate", "-o", prefix.toString()));
        Path bundle = tmp.resolve("bundle.sigstore.json");
        PeerTools.run(js, "node", script.toString(), prefix + ".key", "umoci-layout", digest.substring(7), bundle.toString())
                .assertOk("@sigstore/sign makes a bundle");
        String type = "application/vnd.dev.sigstore.bundle.v0.3+json";
        ok(Cli.run("attach", layout + ":v1", bundle + ":" + type, "--artifact-type", type));

        JsonNode v = ModelJson.mapper().readTree(ok(Cli.run("verify", layout + ":v1", "--key", prefix + ".pub",
                "--format", "json")).out());
        assertEquals(1, v.get("signatures").size(), v.toString());
        assertTrue(v.get("signatures").get(0).get("valid").asBoolean(), "the bundle @sigstore/sign made verifies: " + v);

        Path other = tmp.resolve("other");
        ok(Cli.run("key", "generate", "-o", other.toString()));
        Cli.Result wrongKey = Cli.run("verify", layout + ":v1", "--key", other + ".pub");
        assertEquals(1, wrongKey.exit(), wrongKey.toString());
        assertTrue(wrongKey.out().contains("does not verify with this key"), wrongKey.toString());
    }
}
