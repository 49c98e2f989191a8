package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.cli.Converters;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.Reports;
import dev.ocilayout.gc.GarbageCollector;
import dev.ocilayout.graph.Graph;
import dev.ocilayout.model.Descriptor;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "gc", mixinStandardHelpOptions = true,
        description = {"Remove blobs nothing references, and temp files left by interrupted writes.",
            "Kept: everything reachable from index.json entries (tagged or not), and referrers (signatures, SBOMs)"
                    + " of kept content, even those stored only in blobs/. Blobs younger than the grace period are"
                    + " never removed, so gc is safe beside a writer. Files the image-spec does not define are left"
                    + " alone. A reached manifest that cannot be read (missing, corrupt, over the size cap, not a"
                    + " regular file) stops gc with its path from index.json and exit 4; nothing is removed."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout gc ./layout --dry-run", "  oci-layout gc ./layout --grace 0s",
            "  oci-layout gc ./layout --drop-untagged --format json"})
public final class GcCommand extends LayoutCommand {
    @Parameters(arity = "0..1", paramLabel = "DIR", description = "The layout.")
    String dir;

    @Option(names = {"-n", "--dry-run"}, description = "List what would be removed; change nothing.")
    boolean dryRun;

    @Option(names = "--grace", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Keep unreferenced blobs younger than this (default: 1h).")
    Duration grace = GarbageCollector.DEFAULT_GRACE;

    @Option(names = "--drop-untagged",
            description = "Only tagged entries are roots; untagged entries that are not referrers of kept content are"
                    + " removed from index.json.")
    boolean dropUntagged;

    @Option(names = "--ignore-unreadable",
            description = "Go on when a reached manifest cannot be read, treating it as a leaf: its config and layers"
                    + " are removed unless something else references them. For an operator who has decided.")
    boolean ignoreUnreadable;

    @Override
    public Integer call() throws Exception {
        Path path = layoutDir(dir);
        Layout layout = open(path);
        GarbageCollector.Report r = GarbageCollector.run(layout,
                new GarbageCollector.Policy(dropUntagged, grace, dryRun, ignoreUnreadable));
        if (out().json()) {
            out().json(Reports.gc(r, layout.root()));
            return 0;
        }
        String verb = r.dryRun() ? "would remove" : "removed";
        if (r.dryRun() || !out().quiet()) {
            Reports.sortedRemovals(r).forEach(x -> out().line(verb + " " + x.digest() + " (" + Output.humanSize(x.size()) + ")"));
            r.temps().forEach(t -> out().line(verb + " " + layout.root().relativize(t)));
            for (Descriptor d : r.droppedEntries()) {
                out().line(verb + " untagged index.json entry " + d.digest());
            }
        }
        for (Graph.Problem p : r.problems()) {
            out().warn(p.message());
        }
        out().info((r.dryRun() ? "Would remove " : "Removed ") + Output.count(r.removed().size(), "blob")
                + " (" + Output.humanSize(r.reclaimedBytes()) + "), " + Output.count(r.temps().size(), "temp file")
                + (r.droppedEntries().isEmpty() ? "" : ", " + Output.count(r.droppedEntries().size(), "untagged entry",
                        "untagged entries"))
                + "; kept " + r.live() + " live (" + Output.humanSize(r.liveBytes()) + ")"
                + (r.referrersKept().isEmpty() ? "" : ", " + r.referrersKept().size() + " as referrers of kept content")
                + (r.keptYoung() == 0 ? "" : ", " + r.keptYoung() + " younger than the grace period"));
        return 0;
    }
}
