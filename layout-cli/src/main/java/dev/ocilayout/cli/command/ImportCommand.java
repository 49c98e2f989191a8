package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.archive.ArchiveLimits;
import dev.ocilayout.archive.LayoutImport;
import dev.ocilayout.cli.Converters;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.Reports;
import dev.ocilayout.cli.Progress;
import dev.ocilayout.referrers.ReferrerStrategy;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import an archive into a layout (created if absent): an OCI layout tar (oci-archive, also"
                + " Docker 25+ archives) or a docker-archive (docker save, skopeo docker-archive:), plain, gzip or"
                + " zstd, detected from its content.",
            "One streaming pass stores and verifies every blob; the layout is tagged only after every blob an image"
                    + " needs is present, in one index.json update, so a failed import changes no tag. Referrers in"
                    + " the archive are recorded in the layout's convention. Hostile archives (path traversal, links,"
                    + " devices, mismatched digests, bombs) are refused."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout import release.tar ./layout", "  oci-layout import busybox.tar ./layout --tag busybox",
            "  ssh host 'cat v1.tar.gz' | oci-layout import - ./layout \\", "      --on-conflict overwrite",
            "  oci-layout import delta.tar ./layout   # fails clearly without the base blobs"})
public final class ImportCommand extends LayoutCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "The archive, or - for stdin.")
    String file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "The layout (omit with --layout).")
    String dir;

    @Option(names = "--tag", paramLabel = "NAME",
            description = "Tag the archive's one image NAME instead of with its own tags; repeatable.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--on-conflict", paramLabel = "fail|overwrite|skip",
            description = "When a tag already names other content: fail listing them (default), move the tag, or leave it.")
    LayoutImport.OnConflict onConflict = LayoutImport.OnConflict.FAIL;

    @Option(names = "--referrers", paramLabel = "STRATEGY",
            description = "How to record the archive's referrers: subject-annotation, referrer-subject or fallback-tag"
                    + " (default: the convention the layout already uses, else subject-annotation).")
    String strategy;

    @Option(names = "--use-manifest-json",
            description = "In an archive with both index.json and manifest.json, import manifest.json's images (for "
                    + "Docker 25.0.0-rc archives whose index.json lacks layers).")
    boolean useManifestJson;

    @Option(names = "--max-size", paramLabel = "SIZE", converter = Converters.SizeConverter.class,
            description = "Refuse an archive that expands past SIZE, e.g. 50G (default: no bound).")
    long maxSize;

    @Option(names = "--max-ratio", paramLabel = "N",
            description = "Refuse a compressed archive that expands more than N times (default: ${DEFAULT-VALUE}; 0: no bound).")
    int maxRatio = ArchiveLimits.DEFAULT_MAX_RATIO;

    @picocli.CommandLine.Mixin
    dev.ocilayout.cli.SignaturePolicy signatures;

    @Override
    public Integer call() throws Exception {
        Path layoutPath = layoutDir(dir);
        String layoutArg = layoutPath.toString();
        LayoutImport.OnConflict policy = onConflict;
        ReferrerStrategy recordAs;
        LayoutImport.Options options;
        try {
            recordAs = strategy == null ? null : ReferrerStrategy.named(strategy, false);
            options = new LayoutImport.Options(tags, policy, recordAs, new ArchiveLimits(maxSize, maxRatio), useManifestJson);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        boolean stdin = file.equals("-");
        if (signatures.active()) {
            if (stdin) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--require-signature reads the archive in"
                        + " place before importing: give a file, not -");
            }
            // every image the archive tags, checked against its own signatures before anything is written
            dev.ocilayout.archive.ArchiveTarget archive = dev.ocilayout.archive.ArchiveTarget.open(Path.of(file),
                    root().layoutOptions());
            dev.ocilayout.sign.Signing.requireSigned(archive, archive.index(), signatures.keys());
        }
        Layout layout = openOrCreate(layoutPath);
        LayoutImport.Report r;
        long total = stdin ? -1 : Files.size(Path.of(file));
        try (InputStream in = stdin ? root().stdin() : Files.newInputStream(Path.of(file));
             Progress progress = Progress.of(root(), "import", total)) {
            r = LayoutImport.importArchive(layout, in, stdin ? "stdin" : file, options, progress);
        }
        r.warnings().forEach(w -> out().warn(w));
        r.skippedTags().forEach(t -> out().warn("tag " + t + " names other content in " + layoutArg + "; left as it was"));
        if (out().json()) {
            out().json(Reports.importReport(r));
        } else {
            for (LayoutImport.Imported i : r.images()) {
                out().info("Imported " + (i.tag() != null ? layoutArg + ":" + i.tag() : layoutArg) + " "
                        + i.descriptor().digest() + (i.tag() != null && r.skippedTags().contains(i.tag()) ? " (not tagged)" : ""));
            }
            out().info(r.format() + (r.compression() == dev.ocilayout.archive.Compression.NONE ? ""
                    : " (" + r.compression().name().toLowerCase() + ")") + ": " + Output.count(r.blobsWritten(), "blob") + " written ("
                    + Output.humanSize(r.bytesWritten()) + "), " + r.blobsPresent() + " already there"
                    + (r.referrers() > 0 ? ", " + Output.count(r.referrers(), "referrer") + " (recorded as " + r.referrersAs() + ")" : "")
                    + (r.unneeded() > 0 ? ", " + Output.count(r.unneeded(), "unneeded blob") + " removed (" + Output.humanSize(r.unneededBytes())
                    + ")" : ""));
        }
        return 0;
    }
}
