package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.referrers.ReferrerIndex;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.referrers.Source;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "referrers", mixinStandardHelpOptions = true,
        description = "Inspect and convert how a layout records referrers.",
        subcommands = {ReferrersCommand.Detect.class, ReferrersCommand.Convert.class})
public final class ReferrersCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: detect or convert");
    }

    @Command(name = "detect", mixinStandardHelpOptions = true,
            description = "Report which referrer conventions a layout uses, with counts, and the one new writes will use.",
            footerHeading = "%nExamples:%n",
            footer = {"  oci-layout referrers detect ./layout", "  oci-layout referrers detect ./layout --scan-blobs --format json"})
    public static final class Detect extends LayoutCommand {
        @Parameters(arity = "0..1", paramLabel = "DIR", description = "The layout.")
        String dir;

        @Option(names = "--scan-blobs", description = "Also count manifests with a subject that exist only in blobs/.")
        boolean scanBlobs;

        @Override
        public Integer call() throws Exception {
            Layout layout = open(layoutDir(dir));
            ReferrerIndex index = ReferrerIndex.build(layout, scanBlobs);
            Map<Source, Integer> counts = index.counts();
            String next = Referrers.choose(layout, null, false).name();
            if (out().json()) {
                ObjectNode json = Output.object().put("strategyForNewWrites", next).put("subjects", index.subjects().size());
                ObjectNode c = json.putObject("conventions");
                counts.forEach((s, n) -> c.put(s.label(), n));
                var problems = json.putArray("problems");
                index.problems().forEach(problems::add);
                out().json(json);
            } else {
                counts.forEach((s, n) -> {
                    if (n > 0) {
                        out().line(String.format("%-22s %d", s.label(), n));
                    }
                });
                if (counts.values().stream().allMatch(n -> n == 0)) {
                    out().line("no referrers recorded" + (scanBlobs ? "" : " (--scan-blobs also searches blobs/)"));
                }
                out().line("subjects: " + index.subjects().size() + "; new writes use: " + next);
                index.problems().forEach(out()::warn);
            }
            return 0;
        }
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = {"Rewrite how referrers are recorded, never a manifest: every referrer found (by any convention)"
                    + " is recorded the target's way and, unless --keep-source, other conventions' bookkeeping is removed.",
                "cosign's tags (sha256-<hex>.sig, .att, .sbom) are a convention too: converting to a strategy moves"
                    + " them into its records (every-reader keeps and adds them), and --to cosign-tag moves them back.",
                "Converting A to B and back gives the same referrers; converting twice changes nothing."},
            footerHeading = "%nExamples:%n",
            footer = {"  oci-layout referrers convert ./layout --to fallback-tag",
                "  oci-layout referrers convert ./layout --to referrer-subject --olareg",
                "  oci-layout referrers convert ./layout --to cosign-tag",
                "  oci-layout referrers convert ./cosign-saved --to subject-annotation \\", "      --scan-blobs"})
    public static final class Convert extends LayoutCommand {
        @Parameters(arity = "0..1", paramLabel = "DIR", description = "The layout.")
        String dir;

        @Option(names = "--to", required = true, paramLabel = "STRATEGY",
                description = "subject-annotation, referrer-subject, fallback-tag, every-reader; or cosign-tag:"
                        + " cosign's artifact types to cosign's tags (sha256-<hex>.sig, .att, .sbom), the rest as they are.")
        String to;

        @Option(names = "--olareg", description = "With referrer-subject: olareg's key (org.olareg.referrer.subject).")
        boolean olareg;

        @Option(names = "--keep-source", description = "Keep the existing bookkeeping beside the new.")
        boolean keepSource;

        @Option(names = "--scan-blobs", description = "Also convert referrers that exist only in blobs/.")
        boolean scanBlobs;

        @Override
        public Integer call() throws Exception {
            ReferrerStrategy target = null;
            if (!to.equals(Referrers.COSIGN_TAGS)) {
                try {
                    target = ReferrerStrategy.named(to, olareg);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage() + " (or "
                            + Referrers.COSIGN_TAGS + ")");
                }
            }
            Layout layout = open(layoutDir(dir));
            Referrers.ConvertReport r = target == null ? Referrers.convertToCosignTags(layout, keepSource, scanBlobs)
                    : Referrers.convert(layout, target, keepSource, scanBlobs);
            if (out().json()) {
                ObjectNode json = Output.object().put("target", r.target()).put("subjects", r.subjects())
                        .put("referrers", r.referrers()).put("bookkeepingRemoved", r.bookkeepingRemoved())
                        .put("changed", r.changed());
                var problems = json.putArray("problems");
                r.problems().forEach(problems::add);
                out().json(json);
            } else {
                out().info(!r.changed() ? "Nothing to change: " + Output.count(r.referrers(), "referrer") + " of "
                        + Output.count(r.subjects(), "subject") + " already recorded as " + r.target()
                        : "Recorded " + Output.count(r.referrers(), "referrer") + " of " + Output.count(r.subjects(), "subject")
                        + " as " + r.target() + (keepSource || r.bookkeepingRemoved() == 0 ? ""
                        : "; removed " + Output.count(r.bookkeepingRemoved(), "other record")));
                r.problems().forEach(out()::warn);
            }
            return 0;
        }
    }
}
