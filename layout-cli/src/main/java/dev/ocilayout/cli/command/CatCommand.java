package dev.ocilayout.cli.command;

import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.model.Address;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "cat", mixinStandardHelpOptions = true,
        description = {"Print a manifest or index exactly as stored (the bytes its digest is over), verified.",
            "For large blobs use 'oci-layout blob get'."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout cat ./layout:v1 | jq .", "  oci-layout cat ./layout@sha256:0123...",
            "  oci-layout cat oci-archive:app.tar:v1", "  oci-layout cat localhost:5000/team/app:v1 --plain-http"})
public final class CatCommand extends LayoutCommand {
    @Parameters(paramLabel = "REF", description = "A manifest in a layout, an archive or a registry: DIR:TAG,"
            + " DIR@DIGEST, oci-archive:FILE:REF, REGISTRY/REPO:TAG, ... (spec-notes/references.md).")
    String ref;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        Address a = contentAddress(ref);
        ReadOnlyTarget target = read(a, registry);
        byte[] bytes = target.fetchManifest(target.resolve(a.reference())).bytes();
        spec.commandLine().getOut().flush();
        root().stdout().write(bytes);
        root().stdout().flush();
        return 0;
    }
}
