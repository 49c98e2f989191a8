package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.cli.Reports;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.RefName;
import dev.ocilayout.store.Tags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tags", mixinStandardHelpOptions = true,
        description = {"List the tags of a layout, an archive (read in place) or a registry repository, in name order.",
            "References: see spec-notes/references.md (DIR, oci:DIR, oci-archive:FILE, docker-archive:FILE,"
                    + " [docker://]REGISTRY/REPO)."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout tags ./layout", "  oci-layout tags ./layout --include 'v1\\..*' --exclude '.*-rc.*'",
            "  oci-layout tags ./layout --format json", "  oci-layout tags oci-archive:app.tar",
            "  oci-layout tags localhost:5000/team/app --plain-http"})
public final class TagsCommand extends LayoutCommand {
    @Parameters(arity = "0..1", paramLabel = "WHERE", description = "The layout, archive or repository.")
    String dir;

    @Option(names = "--include", paramLabel = "REGEX", description = "Only tags matching this regular expression (whole name).")
    Pattern include;

    @Option(names = "--exclude", paramLabel = "REGEX", description = "Leave out tags matching this regular expression (whole name).")
    Pattern exclude;

    @Option(names = "--repository", paramLabel = "NAME", description = "Only the tags of this repository, in a layout"
            + " that holds several by full names (localhost/bimg for localhost/bimg:2; spec-notes/repositories.md).")
    String repository;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        Address where = root().layoutOption() != null || dir == null
                ? Address.inLayout(layoutDir(dir).toString(), null) : address(dir);
        if (!where.isLocationOnly()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "tags lists a whole layout, archive or"
                    + " repository: give it without a tag or digest");
        }
        Predicate<String> keep = Tags.filter(include, exclude)
                .and(n -> repository == null || repository.equals(RefName.repositoryOf(n)));
        List<Tags.Tag> tags;
        if (where.kind() == Address.Kind.LAYOUT) {
            tags = Tags.list(open(Path.of(where.location())).index().read()).stream().filter(t -> keep.test(t.name()))
                    .toList();
        } else {
            ReadOnlyTarget target = read(where, registry);
            tags = new ArrayList<>();
            for (String t : target.tags()) {
                if (keep.test(t)) {
                    tags.add(new Tags.Tag(t, out().json() ? target.resolve(t) : null)); // resolved only when shown
                }
            }
        }
        if (out().json()) {
            ArrayNode arr = Output.object().arrayNode();
            for (Tags.Tag t : tags) {
                var n = arr.addObject().put("tag", t.name());
                String repo = RefName.repositoryOf(t.name());
                if (repo != null) {
                    n.put("repository", repo);
                }
                n.setAll(Reports.identity(t.descriptor()));
            }
            out().json(arr);
        } else {
            tags.forEach(t -> out().line(t.name()));
        }
        return 0;
    }
}
