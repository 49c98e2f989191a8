package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.archive.ArchiveCheck;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.Progress;
import dev.ocilayout.cli.Reports;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Finding.Severity;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.fsck.Repair;
import dev.ocilayout.model.Address;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fsck", mixinStandardHelpOptions = true,
        description = {"Check a layout: every blob's digest and size (hashed in parallel), every manifest parses and"
                + " matches its media type, tags follow the ref.name grammar; lists missing, corrupt and orphaned"
                + " blobs, temp leftovers and files the image-spec does not define. Changes nothing.",
            "Exit 0 when no errors are found (warnings and notes allowed; with --strict, none), 1 otherwise."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout fsck ./layout", "  oci-layout fsck ./layout --verbose", "  oci-layout fsck ./layout --format json",
            "  oci-layout fsck ./layout --repair", "  oci-layout fsck oci-archive:transfer.tar.zst"})
public final class FsckCommand extends LayoutCommand {
    @Parameters(arity = "0..1", paramLabel = "DIR|ARCHIVE", description = "The layout, or an archive to verify in place before"
            + " carrying it (oci-archive:FILE, docker-archive:FILE: every blob hashed in one pass, nothing written).")
    String dir;

    @Option(names = "--strict", description = "Warnings fail the check too.")
    boolean strict;

    @Option(names = {"-v", "--verbose"}, description = "Also print notes (orphans, files other tools left), not only errors and warnings.")
    boolean verbose;

    @Option(names = "--repair", description = "First make the safe repairs, each printed: remove temp files left by"
            + " interrupted writes, list orphaned complete manifests in index.json again (untagged). Never deletes a"
            + " blob, never rewrites an index.json that does not parse.")
    boolean repair;

    @Option(names = "--threads", paramLabel = "N", description = "Hashing threads (default: one per core).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        Address archive = dir != null && root().layoutOption() == null ? address(dir) : null;
        if (archive != null && archive.kind() != Address.Kind.LAYOUT) {
            if (archive.kind() == Address.Kind.REGISTRY || !archive.isLocationOnly() || repair) {
                throw new CommandLine.ParameterException(spec.commandLine(), "fsck checks a layout (DIR) or a whole"
                        + " archive (oci-archive:FILE, docker-archive:FILE)" + (repair ? "; --repair is for layouts" : ""));
            }
            return report(ArchiveCheck.check(Path.of(archive.location()), root().layoutOptions()), List.of());
        }
        Path path = layoutDir(dir);
        Layout layout = open(path);
        List<Repair.Action> repairs = repair ? Repair.run(layout) : List.of();
        if (!out().json()) {
            repairs.forEach(a -> out().line("repaired " + a.code() + ": " + a.message()));
        }
        Fsck.Report r;
        try (Progress progress = Progress.of(root(), "fsck", 0)) {
            r = Fsck.check(layout, threads, progress);
        }
        return report(r, repairs);
    }

    private int report(Fsck.Report r, List<Repair.Action> repairs) {
        boolean failed = !r.clean() || strict && r.count(Severity.WARNING) > 0;
        if (out().json()) {
            out().json(Reports.fsck(r, repairs, failed));
        } else {
            for (Finding f : r.findings()) {
                if (f.severity() != Severity.INFO || verbose) {
                    out().line(f.severity().name().toLowerCase(Locale.ROOT) + " " + f.code() + ": " + f.message());
                }
            }
            out().info(String.format(Locale.ROOT, "%s: %s, %s (%s) verified; %d error%s, %d warning%s,"
                            + " %d note%s (%d orphan%s)%s",
                    failed ? "FAILED" : "ok", Output.count(r.manifests(), "manifest"), Output.count(r.blobsVerified(), "blob"),
                    Output.humanSize(r.bytesVerified()),
                    r.count(Severity.ERROR), Output.plural(r.count(Severity.ERROR)), r.count(Severity.WARNING),
                    Output.plural(r.count(Severity.WARNING)), r.count(Severity.INFO), Output.plural(r.count(Severity.INFO)),
                    r.orphans(), Output.plural(r.orphans()), verbose || r.count(Severity.INFO) == 0 ? "" : "; --verbose shows notes"));
        }
        return failed ? 1 : 0;
    }
}
