package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.RefName;
import dev.ocilayout.store.Tags;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "tag", mixinStandardHelpOptions = true,
        description = {"Give content one or more new tags in the same layout.",
            "A tag names one manifest at a time: if NEWTAG named something else, it moves."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout tag ./layout:v1.2.3 v1.2 v1 latest", "  oci-layout tag ./layout@sha256:0123... stable"})
public final class TagCommand extends LayoutCommand {
    @Parameters(index = "0", paramLabel = "REF", description = "DIR:TAG or DIR@DIGEST to tag.")
    String ref;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "NEWTAG", description = "Tags to add.")
    List<String> newTags;

    @Override
    public Integer call() throws Exception {
        for (String t : newTags) {
            try {
                RefName.validate(t);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        Resolved resolved = resolve(ref);
        Descriptor target = resolved.descriptor();
        resolved.layout().index().update(index -> {
            ImageIndex next = index;
            for (String t : newTags) {
                next = Tags.tag(next, t, target);
            }
            return next;
        });
        if (out().json()) {
            ArrayNode tags = Output.object().arrayNode();
            newTags.forEach(tags::add);
            out().json(Output.object().put("digest", target.digest().toString()).set("tags", tags));
        } else {
            newTags.forEach(t -> out().info("Tagged " + t + " -> " + target.digest()));
        }
        return 0;
    }
}
