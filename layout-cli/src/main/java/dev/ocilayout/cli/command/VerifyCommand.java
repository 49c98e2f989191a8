package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.sign.Keys;
import dev.ocilayout.sign.Signing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify the signatures of an image, offline, with a public key: cosign's .sig tag"
                + " (simple signing) and Sigstore bundle referrers (DSSE). Each is reported with where it was found and"
                + " why it fails when it does; exit 1 when none is valid."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout verify ./layout:v1 --key cosign.pub",
            "  oci-layout verify ./layout:v1 --key cosign.pub --format json",
            "  oci-layout verify ./layout:v1 --key cosign.pub --type attestation",
            "  oci-layout verify registry.example:5000/team/app:v1 --key cosign.pub",
            "  oci-layout verify oci-archive:app.tar:v1 --key cosign.pub"})
public final class VerifyCommand extends LayoutCommand {
    @Parameters(paramLabel = "REF", description = "The image: DIR:TAG, DIR@DIGEST, oci:DIR:REF, an archive or a registry"
            + " reference; or DIR alone for every tagged image of the layout.")
    String ref;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The public key (PEM).")
    Path key;

    @picocli.CommandLine.Mixin
    dev.ocilayout.cli.RegistryOptions registry;

    enum Kind { sig, attestation }

    @Option(names = "--type", paramLabel = "sig|attestation", description = "Signatures (default) or attestations.")
    Kind type = Kind.sig;

    @Override
    public Integer call() throws Exception {
        if (address(ref).isLocationOnly()) {
            return whole();
        }
        PublicKey k = Keys.readPublic(Files.readAllBytes(key), key.toString());
        Address a = contentAddress(ref);
        ReadOnlyTarget source;
        Descriptor image;
        if (a.kind() == Address.Kind.LAYOUT) {
            Resolved r = resolve(ref);
            source = new dev.ocilayout.copy.LayoutTarget(r.layout(), null, dev.ocilayout.cli.SigningKey.scopeOf(a));
            image = r.descriptor();
        } else {
            // a registry repository or an archive read in place: signatures found there the same way
            source = read(a, registry);
            image = source.resolve(a.reference());
        }
        List<Signing.Found> found = Signing.verify(source, image, k, type == Kind.attestation);
        boolean valid = found.stream().anyMatch(Signing.Found::valid);
        if (out().json()) {
            ArrayNode list = Output.object().arrayNode();
            for (Signing.Found f : found) {
                var n = list.addObject().put("format", f.format()).put("where", f.where()).put("valid", f.valid());
                if (f.reason() != null) {
                    n.put("reason", f.reason());
                }
                if (f.predicateType() != null) {
                    n.put("predicateType", f.predicateType());
                }
            }
            out().json(Output.object().put("digest", image.digest().toString()).put("valid", valid)
                    .put("keyHint", Keys.hint(k)).set("signatures", list));
        } else {
            for (Signing.Found f : found) {
                out().line((f.valid() ? "valid   " : "INVALID ") + f.format() + " at " + f.where()
                        + (f.predicateType() != null ? " (" + f.predicateType() + ")" : "")
                        + (f.reason() != null ? ": " + f.reason() : ""));
            }
            if (found.isEmpty()) {
                out().line("no " + (type == Kind.sig ? "signatures" : "attestations") + " of " + image.digest()
                        + " found");
            }
        }
        return valid ? 0 : 1;
    }

    /** Every tagged image of a layout: one line (or object) each; exit 1 when one has no valid signature. */
    private int whole() throws Exception {
        Address a = address(ref);
        if (a.kind() != Address.Kind.LAYOUT) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "verify of a whole " + a.kind().form()
                    + " is not supported: name an image");
        }
        PublicKey k = Keys.readPublic(Files.readAllBytes(key), key.toString());
        List<Signing.ImageResult> results = Signing.verifyAll(open(Path.of(a.location())), k, type == Kind.attestation);
        long unsigned = results.stream().filter(i -> !i.valid()).count();
        if (out().json()) {
            ArrayNode images = Output.object().arrayNode();
            for (Signing.ImageResult i : results) {
                images.addObject().put("tag", i.name()).put("digest", i.image().digest().toString()).put("valid", i.valid())
                        .put("signatures", i.found().size());
            }
            out().json(Output.object().put("valid", unsigned == 0).put("keyHint", Keys.hint(k)).set("images", images));
        } else {
            for (Signing.ImageResult i : results) {
                out().line((i.valid() ? "valid   " : "INVALID ") + i.name() + " " + i.image().digest() + " ("
                        + Output.count(i.found().stream().filter(Signing.Found::valid).count(), "valid signature") + " of "
                        + i.found().size() + ")");
            }
            out().info(Output.count(results.size(), "image") + ", " + unsigned + " without a valid signature");
        }
        return unsigned == 0 ? 0 : 1;
    }
}
