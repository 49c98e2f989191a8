package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Progress;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.cli.Reports;
import dev.ocilayout.cli.TempDir;
import dev.ocilayout.content.Target;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.repository.Publishing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Push files as an OCI artifact and tag it; prints the manifest digest.",
            "Each file becomes one layer titled with its file name. Without --config the empty config"
                    + " ({}) is used; without files, the empty descriptor is the only layer. The layout is"
                    + " created if it does not exist."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  oci-layout push ./layout:v1 sbom.spdx.json:application/spdx+json \\", "      --artifact-type application/spdx+json",
            "  oci-layout push ./layout:docs README.md LICENSE --annotation \\", "      org.opencontainers.image.source=https://example.com",
            "  oci-layout push ./layout:cfg --config \\", "      config.json:application/vnd.example.config.v1+json data.bin",
            "  oci-layout push localhost:5000/team/sbom:v1 \\", "      sbom.spdx.json:application/spdx+json --plain-http",
        })
public final class PushCommand extends LayoutCommand {
    @Parameters(index = "0", paramLabel = "REF", description = "Where to push: DIR:TAG (or DIR for an untagged artifact),"
            + " or REGISTRY/REPO[:TAG].")
    String ref;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "FILE[:MEDIATYPE]",
            description = "Files to push; the media type defaults to application/octet-stream.")
    List<String> files = List.of();

    @Option(names = "--artifact-type", paramLabel = "TYPE",
            description = "artifactType of the manifest (default without --config: application/vnd.unknown.artifact.v1).")
    String artifactType;

    @Option(names = "--config", paramLabel = "FILE[:MEDIATYPE]",
            description = "Config blob (default media type application/vnd.unknown.config.v1+json).")
    String config;

    @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE", description = "Manifest annotation; repeatable.")
    Map<String, String> annotations = new LinkedHashMap<>();

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        Address where = address(ref);
        if (where.kind() != Address.Kind.LAYOUT) {
            if (where.kind() != Address.Kind.REGISTRY || where.digest() != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "push to DIR[:TAG] or REGISTRY/REPO[:TAG]");
            }
            ArtifactPush.Result r;
            try (TempDir staging = TempDir.create("oci-layout-push-");
                 Progress progress = Progress.of(root(), "push", 0)) {
                r = Publishing.push(builder().build(), (Target) read(where, registry), where.name(),
                        staging.path().resolve("layout"), progress);
            }
            return report(r.manifest());
        }
        if (where.digest() != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "push to DIR:TAG or DIR; the digest is computed, not given");
        }
        ArtifactPush.Builder b = builder();
        long total = 0;
        for (String f : files) {
            FileArg arg = FileArg.parse(f);
            total += Files.isRegularFile(arg.path()) ? Files.size(arg.path()) : 0;
        }
        Layout layout = openOrCreate(Path.of(where.location()));
        ArtifactPush.Result r;
        try (Progress progress = Progress.of(root(), "push", total)) {
            r = b.build().push(layout, where.name(), progress);
        }
        return report(r.manifest());
    }

    private ArtifactPush.Builder builder() {
        ArtifactPush.Builder b = ArtifactPush.builder().artifactType(artifactType);
        for (String f : files) {
            FileArg arg = FileArg.parse(f);
            b.file(arg.path(), arg.mediaType());
        }
        if (config != null) {
            FileArg arg = FileArg.parse(config);
            b.config(arg.path(), arg.mediaType());
        }
        annotations.forEach(b::annotation);
        return b;
    }

    private int report(Descriptor manifest) {
        if (out().json()) {
            out().json(Reports.identity(manifest));
        } else {
            out().line(manifest.digest().toString());
        }
        return 0;
    }

    /**
     * {@code FILE[:MEDIATYPE]}: split at the last ':' when what follows looks like a media type, or when no file
     * has the whole name but one has the part before it ({@code sbom.json:spdx}: then the type is checked, so
     * the error names the type, not a file that was never meant).
     */
    record FileArg(Path path, String mediaType) {
        static FileArg parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon > 0 && !Files.exists(Path.of(text))
                    && (text.indexOf('/', colon) > colon || Files.isRegularFile(Path.of(text.substring(0, colon))))) {
                String type = text.substring(colon + 1);
                if (type.indexOf('/') < 0) {
                    throw new IllegalArgumentException("'" + type + "' in '" + text + "' is not a media"
                            + " type: write FILE:TYPE/SUBTYPE, e.g. " + text.substring(0, colon) + ":application/spdx+json");
                }
                return new FileArg(Path.of(text.substring(0, colon)), type);
            }
            return new FileArg(Path.of(text), null);
        }
    }
}
