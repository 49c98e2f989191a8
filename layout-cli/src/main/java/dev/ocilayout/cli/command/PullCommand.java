package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ocilayout.Layout;
import dev.ocilayout.artifact.ArtifactPull;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.Progress;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageManifest;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Write an artifact's files back by their titles, each verified against its digest.",
            "Titles that would escape the output directory are refused before anything is written."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout pull ./layout:v1 -o out/", "  oci-layout pull ./layout@sha256:0123... -o . --format json",
            "  oci-layout pull oci-archive:sbom.tar:v1 -o out/", "  oci-layout pull localhost:5000/team/sbom:v1 -o out/ --plain-http"})
public final class PullCommand extends LayoutCommand {
    @Parameters(paramLabel = "REF", description = "An artifact manifest in a layout, an archive (read in place) or a"
            + " registry: DIR:TAG, DIR@DIGEST, oci-archive:FILE:REF, REGISTRY/REPO:TAG, ... (spec-notes/references.md).")
    String ref;

    @Mixin
    RegistryOptions registry;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", required = true, description = "Directory to write files into.")
    Path output;

    @Override
    public Integer call() throws Exception {
        Address a = contentAddress(ref);
        List<ArtifactPull.Entry> entries;
        if (a.kind() == Address.Kind.LAYOUT) {
            Resolved t = resolve(ref);
            Layout layout = t.layout();
            Descriptor manifest = t.descriptor();
            long total = 0;
            if (layout.readManifest(manifest) instanceof ImageManifest m) {
                total = m.layers().stream().mapToLong(Descriptor::size).sum();
            }
            try (Progress progress = Progress.of(root(), "pull", total)) {
                entries = ArtifactPull.pull(layout, manifest, output, progress);
            }
        } else {
            ReadOnlyTarget source = read(a, registry);
            Descriptor manifest = source.resolve(a.reference());
            try (Progress progress = Progress.of(root(), "pull", 0)) {
                entries = ArtifactPull.pull(source, manifest, output, root().layoutOptions().fs(), progress);
            }
        }
        ArrayNode json = Output.object().arrayNode();
        for (ArtifactPull.Entry e : entries) {
            if (e.skipped()) {
                out().warn("layer " + e.layer().digest() + " has no " + "org.opencontainers.image.title; skipped");
            } else if (out().json()) {
                json.add(Output.descriptor(e.layer()).put("path", e.file().toString()));
            } else {
                out().line(e.file().toString());
            }
        }
        if (out().json()) {
            out().json(json);
        }
        return 0;
    }
}
