package dev.ocilayout.cli.command;

import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.sign.Signing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "attest", mixinStandardHelpOptions = true,
        description = {"Attest a predicate (an SBOM, provenance: a JSON file) about an image of a layout, offline, in"
                + " the two forms cosign reads: a DSSE envelope of an in-toto statement under cosign's tag"
                + " sha256-<hex>.att, and a Sigstore bundle as an OCI 1.1 referrer. See spec-notes/signatures.md."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout attest ./layout:v1 --key cosign.key --predicate sbom.spdx.json \\", "      --type spdx",
            "  oci-layout attest ./layout:v1 --key cosign.key --predicate prov.json \\",
            "      --type https://slsa.dev/provenance/v1"})
public final class AttestCommand extends LayoutCommand {
    @Parameters(paramLabel = "REF", description = "The image: DIR:TAG, DIR@DIGEST, oci:DIR:REF.")
    String ref;

    @picocli.CommandLine.Mixin
    dev.ocilayout.cli.SigningKey signing;

    @Option(names = "--predicate", required = true, paramLabel = "FILE", description = "The predicate (JSON).")
    Path predicate;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "spdx, cyclonedx, custom, vuln, openvex,"
            + " or the predicate type's URI.")
    String type;

    @Override
    public Integer call() throws Exception {
        Resolved r = resolve(ref);
        PrivateKey k = signing.read(root().stdin());
        dev.ocilayout.cli.SigningKey.Target t = signing.target(address(ref), r.layout().root());
        String predicateType;
        try {
            predicateType = Signing.predicateType(type);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Signing.Signed s = Signing.attest(r.layout(), t.scope(), r.descriptor(), t.identity(), predicateType,
                Files.readAllBytes(predicate), k);
        if (out().json()) {
            out().json(Output.object().put("digest", r.descriptor().digest().toString()).put("attTag", s.sigTag())
                    .put("predicateType", predicateType)
                    .put("alreadySigned", s.alreadySigned()).put("bundle", s.bundleReferrer().digest().toString()));
        } else {
            out().info("Attested " + predicateType + " about " + r.descriptor().digest() + ": " + (s.alreadySigned()
                    ? "tag " + s.sigTag() + " already held this attestation" : "tag " + s.sigTag()) + "; bundle referrer "
                    + s.bundleReferrer().digest());
        }
        return 0;
    }
}
