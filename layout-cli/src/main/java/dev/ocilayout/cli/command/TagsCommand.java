package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ocilayout.Layout;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.store.Tags;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "tags", mixinStandardHelpOptions = true,
        description = "List the tags of a layout, in name order.",
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout tags ./layout", "  oci-layout tags ./layout --include 'v1\\..*' --exclude '.*-rc.*'",
            "  oci-layout tags ./layout --format json"})
public final class TagsCommand extends LayoutCommand {
    @Parameters(arity = "0..1", paramLabel = "DIR", description = "The layout.")
    String dir;

    @Option(names = "--include", paramLabel = "REGEX", description = "Only tags matching this regular expression (whole name).")
    Pattern include;

    @Option(names = "--exclude", paramLabel = "REGEX", description = "Leave out tags matching this regular expression (whole name).")
    Pattern exclude;

    @Override
    public Integer call() throws Exception {
        Layout layout = open(layoutDir(dir));
        List<Tags.Tag> tags = Tags.list(layout.index().read(), include, exclude);
        if (out().json()) {
            ArrayNode arr = Output.object().arrayNode();
            for (Tags.Tag t : tags) {
                arr.add(Output.object().put("tag", t.name())
                        .put("digest", t.descriptor().digest().toString())
                        .put("mediaType", t.descriptor().mediaType())
                        .put("size", t.descriptor().size()));
            }
            out().json(arr);
        } else {
            tags.forEach(t -> out().line(t.name()));
        }
        return 0;
    }
}
