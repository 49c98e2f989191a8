package dev.ocilayout.cli.command;

import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "resolve", mixinStandardHelpOptions = true,
        description = {"Print the digest a reference names (with --format json, its whole descriptor).",
            "Digests resolve through index.json entries, tagged or not, and through blobs/ alone."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout resolve ./layout:v1", "  oci-layout resolve ./layout@sha256:0123... --format json",
            "  oci-layout resolve oci:./podman-dir:localhost/app:2", "  oci-layout resolve docker-archive:app.tar:app:v1",
            "  oci-layout resolve localhost:5000/team/app:v1 --plain-http"})
public final class ResolveCommand extends LayoutCommand {
    @Parameters(paramLabel = "REF", description = "What to resolve, in a layout, an archive or a registry:"
            + " DIR:TAG, DIR@DIGEST, oci:DIR:REF, oci-archive:FILE:REF, docker-archive:FILE:NAME:TAG, REGISTRY/REPO:TAG"
            + " (spec-notes/references.md).")
    String ref;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        Address a = contentAddress(ref);
        Descriptor d = read(a, registry).resolve(a.reference());
        if (out().json()) {
            out().json(Output.descriptor(d));
        } else {
            out().line(d.digest().toString());
        }
        return 0;
    }
}
