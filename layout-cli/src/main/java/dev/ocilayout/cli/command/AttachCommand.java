package dev.ocilayout.cli.command;

import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.Progress;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.cli.Reports;
import dev.ocilayout.cli.TempDir;
import dev.ocilayout.content.Target;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
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

@Command(name = "attach", mixinStandardHelpOptions = true,
        description = {"Attach files (an SBOM, a signature...) to content as a referrer: an artifact manifest whose"
                + " subject is REF, recorded by the layout's referrers convention. Prints its digest.",
            "With --manifest, an existing manifest file is stored as is (its subject must be REF)."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout attach ./layout:v1 sbom.spdx.json:application/spdx+json \\", "      --artifact-type application/spdx+json",
            "  oci-layout attach ./layout:v1 sig.bin --artifact-type \\", "      application/vnd.example.signature.v1 --referrers fallback-tag",
            "  oci-layout attach ./layout@sha256:0123... --manifest signature-manifest.json"})
public final class AttachCommand extends LayoutCommand {
    @Parameters(index = "0", paramLabel = "REF", description = "The subject: DIR:TAG, DIR@DIGEST, or REGISTRY/REPO:TAG|@DIGEST.")
    String ref;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "FILE[:MEDIATYPE]", description = "Files to attach.")
    List<String> files = List.of();

    @Option(names = "--artifact-type", paramLabel = "TYPE", description = "artifactType of the referrer (required with files).")
    String artifactType;

    @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE", description = "Manifest annotation; repeatable.")
    Map<String, String> annotations = new LinkedHashMap<>();

    @Option(names = "--manifest", paramLabel = "FILE", description = "Attach this manifest file as is.")
    Path manifest;

    @Mixin
    ReferrersOption referrers;

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        if (manifest == null && artifactType == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--artifact-type is required (or --manifest FILE)");
        }
        if (manifest != null && !files.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give files or --manifest, not both");
        }
        Address where = contentAddress(ref);
        if (where.kind() == Address.Kind.REGISTRY) {
            return toRegistry(where);
        }
        Resolved subject = resolve(ref);
        ReferrerStrategy strategy = referrers.choose(subject.layout());
        Descriptor d;
        if (manifest != null) {
            d = Referrers.attachManifest(subject.layout(), subject.descriptor(), Files.readAllBytes(manifest), strategy);
        } else {
            long total = 0;
            for (String f : files) {
                Path p = PushCommand.FileArg.parse(f).path();
                total += Files.isRegularFile(p) ? Files.size(p) : 0;
            }
            try (Progress progress = Progress.of(root(), "attach", total)) {
                d = artifact().attach(subject.layout(), subject.descriptor(), strategy, progress);
            }
        }
        if (out().json()) {
            out().json(Output.object().put("digest", d.digest().toString()).put("mediaType", d.mediaType())
                    .put("size", d.size()).put("subject", subject.descriptor().digest().toString())
                    .put("referrers", strategy.name()));
        } else {
            out().line(d.digest().toString());
        }
        return 0;
    }

    /**
     * A referrer pushed to a registry: made in a staging layout, then sent; the registry indexes it (referrers
     * API) or the client keeps the subject's fallback tag.
     */
    private int toRegistry(Address where) throws Exception {
        if (manifest != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--manifest is for layouts; attach files to a"
                    + " registry");
        }
        Target repo = (Target) read(where, registry);
        Descriptor subject = repo.resolve(where.reference());
        Descriptor d;
        try (TempDir staging = TempDir.create("oci-layout-attach-");
             Progress progress = Progress.of(root(), "attach", 0)) {
            d = Publishing.attach(artifact(), repo, subject, staging.path().resolve("layout"), progress);
        }
        if (out().json()) {
            out().json(Reports.identity(d).put("subject", subject.digest().toString()));
        } else {
            out().line(d.digest().toString());
        }
        return 0;
    }

    /** The artifact the files and annotations make; its subject is set where it is attached. */
    private ArtifactPush artifact() {
        ArtifactPush.Builder b = ArtifactPush.builder().artifactType(artifactType);
        for (String f : files) {
            PushCommand.FileArg arg = PushCommand.FileArg.parse(f);
            b.file(arg.path(), arg.mediaType());
        }
        annotations.forEach(b::annotation);
        return b.build();
    }
}
