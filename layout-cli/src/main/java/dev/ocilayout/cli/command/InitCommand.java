package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create an empty OCI layout (or check an existing one; init never overwrites).",
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout init ./layout", "  oci-layout init --layout 'dir:with:colons'"})
public final class InitCommand extends LayoutCommand {
    @Parameters(arity = "0..1", paramLabel = "DIR", description = "Directory to make a layout of (created if missing).")
    String dir;

    @Override
    public Integer call() throws Exception {
        java.nio.file.Path where = layoutDir(dir);
        boolean existed = java.nio.file.Files.isRegularFile(where.resolve("oci-layout"));
        Layout layout = Layout.create(where, root().layoutOptions()); // an existing one is opened, and checked
        if (out().json()) {
            out().json(Output.object().put("layout", layout.root().toString()).put("created", !existed));
        } else {
            out().info(existed ? layout.root() + " is already an OCI layout (left as it is)"
                    : "Initialized OCI layout in " + layout.root());
        }
        return 0;
    }
}
