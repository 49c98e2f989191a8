package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.lint.Document;
import dev.ocilayout.lint.LintFinding;
import dev.ocilayout.lint.LintReport;
import dev.ocilayout.lint.Linter;
import dev.ocilayout.lint.RegistryProfile;
import dev.ocilayout.lint.RegistryProfiles;
import dev.ocilayout.lint.Severity;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.MediaType;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lint", mixinStandardHelpOptions = true,
        description = {"Check content against the image-spec and, offline, against what registries are known to"
                + " refuse (--registry): before a push fails in CI. Spec checks always run; each registry profile adds"
                + " the refusals that registry is known for, with its own error text.",
            "Registries: distribution, dockerhub, quay, gcr, ar, ecr, azure, artifactory, harbor, icr, or all (which"
                + " prints a matrix: rows are manifests, columns registries). Profiles are data: see --profiles.",
            "Exit 0 when no error is found (with --strict, no finding at all), 1 otherwise."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout lint ./layout", "  oci-layout lint ./layout:v1 --registry ecr --registry quay",
            "  oci-layout lint ./layout --registry all", "  oci-layout lint ./layout --format json --strict",
            "  oci-layout lint oci-archive:app.tar:v1 --registry ecr"})
public final class LintCommand extends LayoutCommand {
    @Parameters(arity = "0..1", paramLabel = "REF|DIR", description = "A reference (lint it and what it reaches: in a"
            + " layout, an archive read in place or a registry, spec-notes/references.md) or a layout (lint index.json and"
            + " everything).")
    String ref;

    @Option(names = "--registry", paramLabel = "NAME", description = "Also check what this registry refuses (repeatable).")
    List<String> registries = new ArrayList<>();

    @Option(names = "--profiles", paramLabel = "FILE", description = "More registry profiles, in the shape of the"
            + " shipped registries.json; a profile of the same name replaces the shipped one.")
    Path profilesFile;

    @Option(names = "--strict", description = "Fail on warnings and notes too.")
    boolean strict;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        RegistryProfiles known = RegistryProfiles.builtIn();
        if (profilesFile != null) {
            try (InputStream in = Files.newInputStream(profilesFile)) {
                known = known.with(in, profilesFile.toString());
            }
        }
        List<RegistryProfile> profiles;
        try {
            profiles = known.select(registries);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Address a = ref == null ? Address.inLayout(layoutDir(null).toString(), null) : address(ref);
        LintReport report;
        if (a.kind() == Address.Kind.LAYOUT) {
            Layout layout = open(Path.of(a.location()));
            report = a.isLocationOnly() ? Linter.lintLayout(layout, profiles)
                    : Linter.lint(layout, new LayoutTarget(layout).resolve(a.reference()), profiles);
        } else {
            if (a.isLocationOnly()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "lint in an archive or a registry names what"
                        + " to lint: " + a.kind().form());
            }
            ReadOnlyTarget target = read(a, registry);
            report = Linter.lint(target, target.resolve(a.reference()), root().layoutOptions().maxManifestBytes(), profiles);
        }
        if (out().json()) {
            out().json(json(report));
        } else {
            text(report);
        }
        return report.fails(strict) ? 1 : 0;
    }

    private void text(LintReport report) {
        boolean matrix = report.profiles().size() > 1;
        for (Document d : report.documents()) {
            List<LintFinding> own = report.findings().stream()
                    .filter(f -> d.descriptor().digest().equals(f.digest()) && (f.registry() == null || !matrix)).toList();
            if (own.isEmpty()) {
                continue;
            }
            out().line(d.descriptor().digest().algorithm() + ":" + d.descriptor().digest().shortForm() + " "
                    + MediaType.shortName(d.mediaType()) + (d.name().isEmpty() ? "" : " " + d.name()));
            own.forEach(this::finding);
        }
        List<LintFinding> rest = report.findings().stream()
                .filter(f -> report.documents().stream().noneMatch(d -> d.descriptor().digest().equals(f.digest())))
                .filter(f -> f.registry() == null || !matrix).toList();
        if (!rest.isEmpty()) {
            out().line("index.json and content not read");
            rest.forEach(this::finding);
        }
        if (matrix) {
            matrix(report);
        }
        out().info(String.format(Locale.ROOT, "%s: %d document%s; %d error%s, %d warning%s, %d note%s",
                report.fails(strict) ? "FAILED" : "ok", report.documents().size(), Output.plural(report.documents().size()),
                report.count(Severity.ERROR), Output.plural(report.count(Severity.ERROR)), report.count(Severity.WARNING),
                Output.plural(report.count(Severity.WARNING)), report.count(Severity.INFO), Output.plural(report.count(Severity.INFO))));
    }

    private void finding(LintFinding f) {
        out().line(String.format(Locale.ROOT, "  %-7s %s%s %s: %s", f.severity().label(), f.code(),
                f.registry() == null ? "" : " [" + f.registry() + "]", f.path(), f.message()));
        out().line("          fix: " + f.fix());
    }

    /** The seed's table: a row per manifest, a column per registry, each refusal a numbered note below. */
    private void matrix(LintReport report) {
        List<String> notes = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("manifest"));
        report.profiles().forEach(p -> header.add(p.name()));
        rows.add(header);
        for (Document d : report.documents()) {
            if (d.kind() == Document.Kind.OTHER) {
                continue;
            }
            List<String> row = new ArrayList<>();
            row.add(d.descriptor().digest().shortForm() + (d.name().isEmpty() ? "" : " " + d.name()));
            for (RegistryProfile p : report.profiles()) {
                String cell = report.cell(d.descriptor().digest(), p);
                if (cell.equals(LintReport.PASS)) {
                    row.add("ok");
                } else {
                    String note = p.name() + ": " + cell;
                    if (!notes.contains(note)) {
                        notes.add(note);
                    }
                    row.add("FAIL " + (notes.indexOf(note) + 1));
                }
            }
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        out().line("");
        for (List<String> row : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                sb.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row.get(i))).append(i + 1 < row.size() ? "  " : "");
            }
            out().line(sb.toString().stripTrailing());
        }
        for (int i = 0; i < notes.size(); i++) {
            out().line("  " + (i + 1) + ". " + notes.get(i));
        }
    }

    private ObjectNode json(LintReport report) {
        ObjectNode json = Output.object();
        ArrayNode documents = json.putArray("documents");
        for (Document d : report.documents()) {
            documents.addObject().put("digest", d.descriptor().digest().toString()).put("mediaType", d.mediaType())
                    .put("name", d.name());
        }
        ArrayNode findings = json.putArray("findings");
        for (LintFinding f : report.findings()) {
            ObjectNode n = findings.addObject().put("code", f.code()).put("severity", f.severity().label());
            n.put("registry", f.registry());
            n.put("digest", f.digest() == null ? null : f.digest().toString());
            n.put("path", f.path()).put("message", f.message()).put("fix", f.fix());
        }
        if (!report.profiles().isEmpty()) {
            ObjectNode matrix = json.putObject("matrix");
            ArrayNode regs = matrix.putArray("registries");
            report.profiles().forEach(p -> regs.add(p.name()));
            ArrayNode rows = matrix.putArray("rows");
            for (Document d : report.documents()) {
                if (d.kind() == Document.Kind.OTHER) {
                    continue;
                }
                ObjectNode row = rows.addObject().put("digest", d.descriptor().digest().toString()).put("name", d.name());
                ObjectNode cells = row.putObject("cells");
                report.profiles().forEach(p -> cells.put(p.name(), report.cell(d.descriptor().digest(), p)));
            }
        }
        json.putObject("summary").put("errors", report.count(Severity.ERROR)).put("warnings", report.count(Severity.WARNING))
                .put("infos", report.count(Severity.INFO)).put("failed", report.fails(strict));
        return json;
    }
}
