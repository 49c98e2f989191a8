package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.RefName;
import dev.ocilayout.registry.RegistryTarget;
import dev.ocilayout.store.Tags;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "tag", mixinStandardHelpOptions = true,
        description = {"Give content one or more new tags in the same layout or registry repository.",
            "A tag names one manifest at a time: if NEWTAG named something else, it moves."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout tag ./layout:v1.2.3 v1.2 v1 latest", "  oci-layout tag ./layout@sha256:0123... stable",
            "  oci-layout tag localhost:5000/team/app:v1.2.3 v1.2 latest --plain-http"})
public final class TagCommand extends LayoutCommand {
    @Parameters(index = "0", paramLabel = "REF", description = "What to tag: DIR:TAG, DIR@DIGEST, oci:DIR:REF, or"
            + " REGISTRY/REPO:TAG|@DIGEST (the new tags go in the same repository).")
    String ref;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "NEWTAG", description = "Tags to add.")
    List<String> newTags;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        Address where = contentAddress(ref);
        if (where.kind() == Address.Kind.REGISTRY) {
            RegistryTarget repo = (RegistryTarget) read(where, registry);
            Descriptor target = repo.resolve(where.reference());
            for (String t : newTags) {
                repo.tag(target, t); // the registry checks the tag grammar
            }
            return report(target);
        }
        if (where.kind() != Address.Kind.LAYOUT) {
            throw new CommandLine.ParameterException(spec.commandLine(), "an archive read in place cannot be tagged;"
                    + " import it, or tag a layout or a registry repository");
        }
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
        return report(target);
    }

    private int report(Descriptor target) {
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
