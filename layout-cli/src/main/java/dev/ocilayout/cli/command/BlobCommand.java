package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.artifact.BlobFiles;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.Progress;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.MediaType;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "blob", mixinStandardHelpOptions = true,
        description = "Store or fetch single blobs.",
        subcommands = {BlobCommand.Put.class, BlobCommand.Get.class})
public final class BlobCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: put or get");
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Store a file (or stdin, '-') as a blob, hashed while written; prints its digest.",
                "Nothing is tagged: an untagged blob is removed by gc unless a manifest references it."},
            footerHeading = "%nExamples:%n",
            footer = {"  oci-layout blob put ./layout layer.tar.gz", "  tar -c dir | oci-layout blob put ./layout -"})
    public static final class Put extends LayoutCommand {
        @Parameters(arity = "1..2", paramLabel = "DIR FILE", description = "The layout (omit with --layout) and the file, or - for stdin.")
        List<String> args;

        @Option(names = "--media-type", paramLabel = "TYPE", description = "Media type for --format json output (default: ${DEFAULT-VALUE}).")
        String mediaType = MediaType.OCTET_STREAM;

        @Override
        public Integer call() throws Exception {
            if (args.size() == 1 && root().layoutOption() == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "missing FILE: blob put DIR FILE");
            }
            Path dir = layoutDir(args.size() == 2 ? args.get(0) : null);
            String file = args.get(args.size() - 1);
            Layout layout = open(dir);
            Descriptor d;
            boolean stdin = file.equals("-");
            long total = stdin ? 0 : Files.size(Path.of(file));
            try (InputStream in = stdin ? root().stdin() : Files.newInputStream(Path.of(file));
                 Progress progress = Progress.of(root(), "blob put", total)) {
                d = layout.blobs().put(in, mediaType, progress);
            }
            if (out().json()) {
                out().json(Output.descriptor(d));
            } else {
                out().line(d.digest().toString());
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Write a blob to stdout or a file, verified against its digest and size.",
                "With -o the file appears only once verified; on stdout a mismatch is reported at the end (exit 4)."},
            footerHeading = "%nExamples:%n",
            footer = {"  oci-layout blob get ./layout@sha256:0123... -o layer.tar.gz",
                "  oci-layout blob get ./layout@sha256:0123... | tar -tz",
                "  oci-layout blob get oci-archive:app.tar@sha256:0123... -o layer.tar.gz",
                "  oci-layout blob get localhost:5000/team/app@sha256:0123... --plain-http \\", "      | tar -tz"})
    public static final class Get extends LayoutCommand {
        @Parameters(paramLabel = "WHERE@DIGEST", description = "The blob, in a layout (DIR@DIGEST), an archive read in"
                + " place (oci-archive:FILE@DIGEST) or a registry (REGISTRY/REPO@DIGEST).")
        String ref;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of stdout.")
        Path output;

        @Mixin
        RegistryOptions registry;

        @Override
        public Integer call() throws Exception {
            Address a = address(ref);
            if (a.digest() == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + ref + "' names no digest; write "
                        + a.kind().form().replace("[:TAG|@DIGEST]", "@DIGEST"));
            }
            ReadOnlyTarget source;
            long size;
            if (a.kind() == Address.Kind.LAYOUT) {
                Layout layout = open(Path.of(a.location()));
                source = new LayoutTarget(layout);
                size = layout.blobs().size(a.digest());
            } else {
                source = read(a, registry);
                size = source.resolve(a.digest().toString()).size();
            }
            Descriptor d = Descriptor.of(MediaType.OCTET_STREAM, a.digest(), size);
            try (Progress progress = Progress.of(root(), "blob get", size)) {
                if (output != null) {
                    BlobFiles.writeVerified(root().layoutOptions().fs(), source, d, output, progress);
                    if (out().json()) {
                        out().json(Output.object().put("digest", d.digest().toString()).put("size", d.size())
                                .put("path", output.toString()));
                    }
                } else {
                    try (InputStream in = source.fetch(d)) {
                        byte[] buf = new byte[256 * 1024];
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            root().stdout().write(buf, 0, n);
                            progress.accept(n);
                        }
                    }
                    root().stdout().flush();
                }
            }
            return 0;
        }

    }
}
