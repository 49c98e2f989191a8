package dev.ocilayout.cli.command;

import dev.ocilayout.cli.LayoutCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cat", mixinStandardHelpOptions = true,
        description = {"Print a manifest or index exactly as stored (the bytes its digest is over), verified.",
            "For large blobs use 'oci-layout blob get'."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout cat ./layout:v1 | jq .", "  oci-layout cat ./layout@sha256:0123..."})
public final class CatCommand extends LayoutCommand {
    @Parameters(paramLabel = "REF", description = "DIR:TAG or DIR@DIGEST.")
    String ref;

    @Override
    public Integer call() throws Exception {
        Resolved t = resolve(ref);
        byte[] bytes = t.layout().readManifestBytes(t.descriptor());
        spec.commandLine().getOut().flush();
        root().stdout().write(bytes);
        root().stdout().flush();
        return 0;
    }
}
