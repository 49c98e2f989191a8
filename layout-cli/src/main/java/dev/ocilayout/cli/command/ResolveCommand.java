package dev.ocilayout.cli.command;

import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.model.Descriptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "resolve", mixinStandardHelpOptions = true,
        description = {"Print the digest a reference names (with --format json, its whole descriptor).",
            "Digests resolve through index.json entries, tagged or not, and through blobs/ alone."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout resolve ./layout:v1", "  oci-layout resolve ./layout@sha256:0123... --format json"})
public final class ResolveCommand extends LayoutCommand {
    @Parameters(paramLabel = "REF", description = "DIR:TAG or DIR@DIGEST.")
    String ref;

    @Override
    public Integer call() throws Exception {
        Descriptor d = resolve(ref).descriptor();
        if (out().json()) {
            out().json(Output.descriptor(d));
        } else {
            out().line(d.digest().toString());
        }
        return 0;
    }
}
