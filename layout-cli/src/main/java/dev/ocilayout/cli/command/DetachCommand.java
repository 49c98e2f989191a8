package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.model.Reference;
import dev.ocilayout.referrers.Referrers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "detach", mixinStandardHelpOptions = true,
        description = {"Stop recording a referrer: remove it (and its bookkeeping) from every convention that records it.",
            "The manifest stays in blobs/ until gc; tags naming it stay."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout detach ./layout@sha256:0123..."})
public final class DetachCommand extends LayoutCommand {
    @Parameters(paramLabel = "DIR@DIGEST", description = "The referrer manifest.")
    String ref;

    @Override
    public Integer call() throws Exception {
        Reference r = digestReference(ref);
        Layout layout = open(r);
        Referrers.detach(layout, r.digest());
        if (out().json()) {
            out().json(Output.object().put("detached", r.digest().toString()));
        } else {
            out().info("Detached " + r.digest());
        }
        return 0;
    }
}
