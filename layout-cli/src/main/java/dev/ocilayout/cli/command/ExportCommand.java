package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.archive.Compression;
import dev.ocilayout.archive.LayoutExport;
import dev.ocilayout.cli.Converters;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.model.Platform;
import dev.ocilayout.model.Reference;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write an OCI layout tar (oci-archive) of some references and everything they need, tags kept;"
                + " a bare DIR exports the whole layout. Deterministic: the same input gives the same bytes.",
            "Each blob is read once and verified as it streams; with -o the file appears only when complete."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout export ./layout:v1 -o v1.tar", "  oci-layout export ./layout:v1 ./layout:v2 --referrers -o release.tar",
            "  oci-layout export ./layout --compress gzip -o all.tar.gz", "  oci-layout export ./layout:v1 -o - | ssh host 'cat > v1.tar'"})
public final class ExportCommand extends LayoutCommand {
    @Parameters(arity = "1..*", paramLabel = "REF", description = "DIR:TAG, DIR@DIGEST, or DIR for the whole layout (one layout).")
    List<String> refs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The archive, or - for stdout.")
    String output;

    @Option(names = "--compress", paramLabel = "none|gzip", description = "Compression (default: ${DEFAULT-VALUE}).")
    Compression compress = Compression.NONE;

    @Option(names = "--referrers", description = "Include referrers (signatures, SBOMs) of everything exported.")
    boolean referrers;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", converter = Converters.PlatformConverter.class,
            description = "Keep only these platforms of indexes; repeatable.")
    List<Platform> platforms = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<Reference> parsed = new ArrayList<>();
        for (String r : refs) {
            parsed.add(reference(r));
        }
        String dir = parsed.get(0).layout();
        if (parsed.stream().anyMatch(r -> !r.layout().equals(dir))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "all references must be in one layout");
        }
        boolean whole = parsed.size() == 1 && parsed.get(0).isLayoutOnly();
        if (!whole && parsed.stream().anyMatch(Reference::isLayoutOnly)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give DIR alone, or DIR:TAG / DIR@DIGEST references");
        }
        Layout layout = open(Path.of(dir));
        List<LayoutExport.Root> roots = new ArrayList<>();
        for (Reference r : parsed) {
            if (!r.isLayoutOnly()) {
                roots.add(new LayoutExport.Root(layout.resolve(r), r.tag()));
            }
        }
        LayoutExport.Options options = new LayoutExport.Options(referrers, platforms, compress);
        LayoutExport.Report report;
        if (output.equals("-")) {
            OutputStream out = new BufferedOutputStream(root().stdout(), 1 << 16);
            report = run(layout, whole, roots, out, options, null);
            out.flush();
        } else {
            Path target = Path.of(output).toAbsolutePath();
            Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".part");
            try {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
                    report = run(layout, whole, roots, out, options, null);
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        if (out().json()) {
            out().json(Output.object().put("blobs", report.blobs()).put("bytes", report.bytes())
                    .put("entries", report.index().manifests().size()));
        } else if (!output.equals("-")) {
            out().info("Exported " + report.index().manifests().size() + " entries, " + report.blobs() + " blobs ("
                    + Output.humanSize(report.bytes()) + ") to " + output);
        }
        return 0;
    }

    private static LayoutExport.Report run(Layout layout, boolean whole, List<LayoutExport.Root> roots, OutputStream out,
                                           LayoutExport.Options options, java.util.function.LongConsumer progress)
            throws java.io.IOException {
        return whole ? LayoutExport.exportAll(layout, out, options, progress)
                : LayoutExport.export(layout, roots, out, options, progress);
    }
}
