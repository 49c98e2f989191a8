package dev.ocilayout.cli.command;

import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.sign.Signing;
import java.security.PrivateKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign an image of a layout, offline, in the two forms cosign reads: the simple-signing payload"
                + " under cosign's tag sha256-<hex>.sig, and a Sigstore bundle (DSSE, in-toto statement) as an OCI 1.1"
                + " referrer. ECDSA P-256 keys from oci-layout key generate, cosign's .pub, or openssl (PKCS#8).",
            "See spec-notes/signatures.md."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout sign ./layout:v1 --key cosign.key",
            "  printf '%%s' \"$PASSWORD\" | oci-layout sign ./layout:v1 --key ci.key \\", "      --password-stdin"})
public final class SignCommand extends LayoutCommand {
    @Parameters(paramLabel = "REF", description = "The image: DIR:TAG, DIR@DIGEST, oci:DIR:REF.")
    String ref;

    @picocli.CommandLine.Mixin
    dev.ocilayout.cli.SigningKey signing;

    @Override
    public Integer call() throws Exception {
        Resolved r = resolve(ref);
        PrivateKey k = signing.read(root().stdin());
        dev.ocilayout.cli.SigningKey.Target t = signing.target(address(ref), r.layout().root());
        Signing.Signed s = Signing.sign(r.layout(), t.scope(), r.descriptor(), t.identity(), k);
        if (out().json()) {
            out().json(Output.object().put("digest", r.descriptor().digest().toString()).put("sigTag", s.sigTag())
                    .put("alreadySigned", s.alreadySigned()).put("bundle", s.bundleReferrer().digest().toString()));
        } else {
            out().info("Signed " + r.descriptor().digest() + ": " + (s.alreadySigned() ? "tag " + s.sigTag()
                    + " already held this signature" : "tag " + s.sigTag()) + "; bundle referrer "
                    + s.bundleReferrer().digest());
        }
        return 0;
    }
}
