package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.RefName;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.sign.Keys;
import dev.ocilayout.sign.Signing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign an image of a layout, offline, in the two forms cosign reads: the simple-signing payload"
                + " under cosign's tag sha256-<hex>.sig, and a Sigstore bundle (DSSE, in-toto statement) as an OCI 1.1"
                + " referrer. ECDSA P-256 keys from oci-layout key generate, cosign's .pub, or openssl (PKCS#8).",
            "See spec-notes/signatures.md."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout sign ./layout:v1 --key cosign.key",
            "  printf '%s' \"$PASSWORD\" | oci-layout sign ./layout:v1 --key ci.key \\", "      --password-stdin"})
public final class SignCommand extends LayoutCommand {
    @Parameters(paramLabel = "REF", description = "The image: DIR:TAG, DIR@DIGEST, oci:DIR:REF.")
    String ref;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The private key (PEM).")
    Path key;

    @Option(names = "--password-stdin", description = "Read the key's password from stdin.")
    boolean passwordStdin;

    @Option(names = "--identity", paramLabel = "NAME", description = "The payload's docker-reference (default: the"
            + " image's repository, else the layout folder's name); cosign does not check it.")
    String identity;

    @Override
    public Integer call() throws Exception {
        Resolved r = resolve(ref);
        char[] password = passwordStdin ? new String(root().stdin().readAllBytes(), StandardCharsets.UTF_8).strip()
                .toCharArray() : null;
        PrivateKey k = Keys.readPrivate(Files.readAllBytes(key), password, key.toString());
        Address a = address(ref);
        String repository = a.name() == null ? null : RefName.repositoryOf(a.name());
        RepositoryScope scope = repository == null ? null : RepositoryScope.of(repository);
        String who = identity != null ? identity : repository != null ? repository
                : r.layout().root().toAbsolutePath().normalize().getFileName().toString();
        Signing.Signed s = Signing.sign(r.layout(), scope, r.descriptor(), who, k);
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
