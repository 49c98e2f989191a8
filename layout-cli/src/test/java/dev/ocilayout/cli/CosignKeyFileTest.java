package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ocilayout.testing.PeerTools;
import dev.ocilayout.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cosign's own encrypted key file (scrypt + NaCl secretbox), made independently of us by Node's scrypt and
 * tweetnacl's secretbox in cosign's format, signs through us with its password.
 */
class CosignKeyFileTest {
    @TempDir
    Path tmp;

    private static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private Path cosignKey(String password) throws Exception {
        PeerTools.require("node");
        PeerTools.require("npm");
        Path js = Files.createDirectories(tmp.resolve("js"));
        if (!Files.isDirectory(js.resolve("node_modules/tweetnacl"))) {
            PeerTools.run(js, "npm", "install", "--no-audit", "--no-fund", "--prefix", js.toString(), "tweetnacl@1")
                    .assertOk("npm install tweetnacl");
            Files.copy(TestData.dir().resolve("sigstore/cosign-key.js"), js.resolve("cosign-key.js"));
        }
        Path plain = tmp.resolve("k");
        ok(Cli.run("key", "generate", "-o", plain.toString()));
        Path sealed = tmp.resolve("cosign.key");
        PeerTools.run(js, "node", js.resolve("cosign-key.js").toString(), plain + ".key", password, sealed.toString())
                .assertOk("node writes cosign's key file");
        return sealed;
    }

    @Test
    void cosignsEncryptedKeyFileSignsWithItsPassword() throws Exception {
        Path key = cosignKey("s3cret");
        Path layout = InteropTest.umociImage(tmp);
        ok(Cli.runWithInput("s3cret\n".getBytes(StandardCharsets.UTF_8), "sign", layout + ":v1",
                "--key", key.toString(), "--password-stdin"));
        ok(Cli.run("verify", layout + ":v1", "--key", tmp.resolve("k.pub").toString()));
    }

    @Test
    void aWrongPasswordIsRefusedInOneLineAndNothingIsSigned() throws Exception {
        Path key = cosignKey("s3cret");
        Path layout = InteropTest.umociImage(tmp);
        Cli.Result r = Cli.runWithInput("wrong".getBytes(StandardCharsets.UTF_8), "sign",
                layout + ":v1", "--key", key.toString(), "--password-stdin");
        CliTest.assertOneLineError(r, 1, "wrong password");
        assertEquals(1, Cli.run("verify", layout + ":v1", "--key", tmp.resolve("k.pub").toString()).exit(), "unsigned");
    }
}
