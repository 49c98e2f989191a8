package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ocilayout.Layout;
import dev.ocilayout.archive.BlobList;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "blobs", mixinStandardHelpOptions = true,
        description = {"List every blob stored in a layout, one '<digest> <size>' per line, sorted: the list"
                + " export --exclude-blobs-from reads, for delta transfers to a layout you cannot reach."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout blobs /mnt/airgap/layout > there.txt",
            "  oci-layout export ./layout:v2 --exclude-blobs-from there.txt -o v2-delta.tar",
            "  oci-layout blobs ./layout --format json"})
public final class BlobsCommand extends LayoutCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "The layout (omit with --layout).")
    String dir;

    @Override
    public Integer call() throws Exception {
        Layout layout = open(layoutDir(dir));
        List<BlobList.Entry> blobs = BlobList.of(layout);
        if (out().json()) {
            ArrayNode a = Output.object().arrayNode();
            blobs.forEach(b -> a.addObject().put("digest", b.digest().toString()).put("size", b.size()));
            out().json(a);
        } else {
            root().stdout().write(BlobList.format(blobs));
            root().stdout().flush();
        }
        return 0;
    }
}
