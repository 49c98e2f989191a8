package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.gc.Untagging;
import dev.ocilayout.model.Address;
import dev.ocilayout.registry.RegistryTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "untag", mixinStandardHelpOptions = true,
        description = {"Remove tags. All named tags must exist; otherwise nothing is changed.",
            "Content stays in blobs/ until gc removes what nothing references. A tag whose manifest cannot be read"
                    + " is not removed (exit 4) unless --ignore-unreadable."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout untag ./layout:v1-rc1 ./layout:v1-rc2", "  oci-layout untag oci:./layout:localhost/app:2",
            "  oci-layout untag registry.example.com/team/app:v1-rc1   # deletes by tag"})
public final class UntagCommand extends LayoutCommand {
    @Parameters(arity = "1..*", paramLabel = "DIR:TAG", description = "Tags to remove: DIR:TAG, or oci:DIR:REF for a"
            + " full ref.name (with ':' or '/').")
    List<String> refs;

    @Option(names = "--ignore-unreadable",
            description = "Remove a tag even when the manifest it names cannot be read (gc then removes what only it"
                    + " referenced).")
    boolean ignoreUnreadable;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        Map<String, List<String>> byLayout = new LinkedHashMap<>();
        List<Address> registryTags = new ArrayList<>();
        for (String arg : refs) {
            Address a = address(arg);
            if (a.kind() == Address.Kind.REGISTRY && a.name() != null) {
                registryTags.add(a);
                continue;
            }
            if (a.kind() != Address.Kind.LAYOUT) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + arg + "': untag removes tags from a"
                        + " layout (DIR:TAG, oci:DIR:REF) or a registry (REGISTRY/REPO:TAG)");
            }
            if (a.name() == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + arg + "' names no tag; write DIR:TAG"
                        + " (or oci:DIR:REF for a ref.name with ':' or '/')");
            }
            byLayout.computeIfAbsent(a.location(), k -> new ArrayList<>()).add(a.name());
        }
        for (Map.Entry<String, List<String>> e : byLayout.entrySet()) {
            Layout layout = open(Path.of(e.getKey()));
            Untagging.untag(layout, e.getValue(), ignoreUnreadable);
            for (String t : e.getValue()) {
                if (!out().json()) {
                    out().info("Untagged " + t);
                }
            }
        }
        for (Address a : registryTags) {
            ((RegistryTarget) read(a.place(), registry)).untag(a.name());
            if (!out().json()) {
                out().info("Untagged " + a);
            }
        }
        if (out().json()) {
            var arr = Output.object().arrayNode();
            byLayout.values().forEach(l -> l.forEach(arr::add));
            registryTags.forEach(a -> arr.add(a.toString()));
            out().json(Output.object().set("untagged", arr));
        }
        return 0;
    }
}
