package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.Layout;
import dev.ocilayout.cli.Converters;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.Progress;
import dev.ocilayout.copy.LayoutCopy;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.Platform;
import dev.ocilayout.model.Reference;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.registry.Credentials;
import dev.ocilayout.registry.RegistryClient;
import dev.ocilayout.registry.RegistryCopy;
import dev.ocilayout.registry.RegistryRef;
import dev.ocilayout.registry.RegistryTarget;
import dev.ocilayout.store.Tags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "copy", mixinStandardHelpOptions = true,
        description = {"Copy content from one layout into another: everything it references, blobs the destination"
                + " has skipped; hard links on one file system (else verified copies); the destination is tagged only"
                + " once every blob is in place.",
            "With --referrers, signatures and SBOMs come along, recorded by the destination's convention. With"
                    + " --platform, an index is narrowed to those platforms (a new index is written, and said so)."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout copy ./src:v1 ./dst", "  oci-layout copy ./src:v1 ./dst:stable --referrers",
            "  oci-layout copy ./src:multiarch ./dst:amd64 --platform linux/amd64", "  oci-layout copy ./src ./dst --all-tags",
            "  oci-layout copy ./layout:v1 registry.example.com/team/app:v1 --referrers",
            "  oci-layout copy docker://localhost:5000/team/app:v1 ./layout --plain-http --referrers"})
public final class CopyCommand extends LayoutCommand {
    @Parameters(index = "0", paramLabel = "SRC_REF", description = "DIR:TAG, DIR@DIGEST, DIR with --all-tags, or"
            + " REGISTRY/REPO:TAG|@DIGEST (docker:// and oci: prefixes remove any doubt).")
    String src;

    @Parameters(index = "1", paramLabel = "DST_REF", description = "DIR[:TAG] or REGISTRY/REPO[:TAG] (default tag: the source's).")
    String dst;

    @Option(names = "--referrers", description = "Also copy referrers (signatures, SBOMs), recursively.")
    boolean referrers;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", converter = Converters.PlatformConverter.class,
            description = "Keep only these platforms of an index; repeatable.")
    List<Platform> platforms = new ArrayList<>();

    @Option(names = "--all-tags", description = "Copy every tag of the source layout.")
    boolean allTags;

    @Option(names = "--no-link", description = "Always copy bytes, never hard-link.")
    boolean noLink;

    @Option(names = "--referrers-as", paramLabel = "STRATEGY",
            description = "How the destination records the copied referrers: subject-annotation, referrer-subject or"
                    + " fallback-tag (default: the destination's convention).")
    String strategy;

    @Option(names = "--plain-http", description = "Talk to the registry over http:// (a local registry without TLS).")
    boolean plainHttp;

    @Option(names = "--insecure", description = "Talk https:// without verifying the registry's certificate.")
    boolean insecure;

    @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "Registry user (with --password-stdin);"
            + " default: ~/.docker/config.json.")
    String username;

    @Option(names = "--password-stdin", description = "Read the registry password from stdin.")
    boolean passwordStdin;

    @Option(names = "--parallel", paramLabel = "N", description = "Blobs moved at once to or from a registry (default: ${DEFAULT-VALUE}).")
    int parallel = 4;

    @Override
    public Integer call() throws Exception {
        boolean fromRegistry = RegistryRef.isRegistry(src);
        boolean toRegistry = RegistryRef.isRegistry(dst);
        if (fromRegistry || toRegistry) {
            return registryCopy(fromRegistry, toRegistry);
        }
        Reference from = Reference.parse(stripOci(src));
        Reference to = Reference.parse(stripOci(dst));
        if (to.digest() != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the destination is DIR or DIR:TAG, not a digest");
        }
        Layout source = open(Path.of(from.layout()));
        Layout target = openOrCreate(to);
        List<String[]> jobs = new ArrayList<>(); // {tag or null, source tag or digest}
        if (allTags) {
            if (!from.isLayoutOnly() || to.tag() != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--all-tags copies DIR to DIR");
            }
            for (Tags.Tag t : Tags.list(source.index().read())) {
                jobs.add(new String[] {t.name(), t.name()});
            }
        } else {
            if (from.isLayoutOnly()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "name what to copy: DIR:TAG or DIR@DIGEST (or --all-tags)");
            }
            jobs.add(new String[] {to.tag() != null ? to.tag() : from.tag(), null});
        }
        ReferrerStrategy recordAs;
        try {
            recordAs = strategy == null ? null : ReferrerStrategy.named(strategy, false);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        LayoutCopy.Options options = new LayoutCopy.Options(referrers, platforms, !noLink, recordAs);
        ArrayNode results = Output.object().arrayNode();
        for (String[] job : jobs) {
            Descriptor root = job[1] != null ? source.resolveTag(job[1]) : source.resolve(from);
            LayoutCopy.Report r;
            try (Progress progress = Progress.of(root(), "copy", root.size())) {
                r = LayoutCopy.copy(source, root, target, job[0], options, progress);
            }
            if (out().json()) {
                ObjectNode n = results.addObject().put("digest", r.root().digest().toString())
                        .put("mediaType", r.root().mediaType()).put("size", r.root().size())
                        .put("filtered", r.filtered()).put("blobs", r.blobs()).put("linked", r.linked())
                        .put("copied", r.copied()).put("skipped", r.skipped()).put("bytesCopied", r.bytesCopied())
                        .put("referrers", r.referrers().size());
                if (job[0] != null) {
                    n.put("tag", job[0]);
                }
            } else {
                out().info("Copied " + (job[1] != null ? job[1] : from) + " -> " + to.layout()
                        + (job[0] != null ? ":" + job[0] : "") + " " + r.root().digest()
                        + (r.filtered() ? " (a new index with only " + platforms.stream().map(Platform::toString)
                                .collect(java.util.stream.Collectors.joining(", ")) + ")" : "")
                        + ": " + r.blobs() + " blobs (" + r.linked() + " linked, " + r.copied() + " copied, "
                        + r.skipped() + " already there)" + (referrers ? ", " + r.referrers().size() + " referrers" : ""));
            }
        }
        if (out().json()) {
            out().json(results);
        }
        return 0;
    }

    static String stripOci(String ref) {
        return ref.startsWith(RegistryRef.OCI_PREFIX) ? ref.substring(RegistryRef.OCI_PREFIX.length()) : ref;
    }

    private RegistryClient client(String registry) throws java.io.IOException {
        Credentials creds = Credentials.NONE;
        if (passwordStdin || username != null) {
            if (username == null || !passwordStdin) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--username and --password-stdin go together");
            }
            String password = new String(root().stdin().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            creds = new Credentials(username, password);
        }
        return new RegistryClient(registry, new RegistryClient.Options(plainHttp, insecure, creds));
    }

    private Integer registryCopy(boolean fromRegistry, boolean toRegistry) throws Exception {
        if (fromRegistry && toRegistry) {
            return registryToRegistry();
        }
        if (allTags || strategy != null || noLink) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--all-tags, --referrers-as and --no-link are for layout to layout copies");
        }
        RegistryCopy.Options options = new RegistryCopy.Options(referrers, platforms, parallel, null);
        RegistryCopy.Report r;
        String shown;
        if (fromRegistry) {
            RegistryRef from = parseRegistry(src);
            Reference to = Reference.parse(stripOci(dst));
            if (to.digest() != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "the destination is DIR or DIR:TAG, not a digest");
            }
            Layout target = openOrCreate(to);
            String tag = to.tag() != null ? to.tag() : from.tag();
            try (Progress progress = Progress.of(root(), "pull", 0)) {
                r = RegistryCopy.pull(client(from.registry()), from, target, tag, options, progress);
            }
            shown = "Copied " + from + " -> " + to.layout() + (tag != null ? ":" + tag : "");
        } else {
            Reference from = Reference.parse(stripOci(src));
            if (from.isLayoutOnly()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "name what to copy: DIR:TAG or DIR@DIGEST");
            }
            RegistryRef to = parseRegistry(dst);
            if (to.digest() != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "the destination is REGISTRY/REPO[:TAG], not a digest");
            }
            if (to.tag() == null && from.tag() != null) {
                to = to.withTag(from.tag());
            }
            Layout source = open(Path.of(from.layout()));
            Descriptor root = source.resolve(from);
            try (Progress progress = Progress.of(root(), "push", root.size())) {
                r = RegistryCopy.push(source, root, client(to.registry()), to, options, progress);
            }
            shown = "Copied " + from + " -> " + to;
        }
        report(shown, r);
        return 0;
    }

    /**
     * Registry to registry, through a temporary layout (removed afterwards): pulled, then pushed; on one registry
     * the push mounts the blobs from the source repository instead of uploading them.
     */
    private Integer registryToRegistry() throws Exception {
        RegistryRef from = parseRegistry(src);
        RegistryRef to = parseRegistry(dst);
        if (to.digest() != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the destination is REGISTRY/REPO[:TAG], not a digest");
        }
        if (to.tag() == null && from.tag() != null) {
            to = to.withTag(from.tag());
        }
        // straight from one registry to the other, no layout between; within one registry, blobs are mounted
        RegistryClient source = client(from.registry());
        boolean sameRegistry = from.registry().equals(to.registry());
        RegistryClient target = sameRegistry ? source : client(to.registry());
        TargetCopy.Report r;
        try (Progress progress = Progress.of(root(), "copy", 0)) {
            r = TargetCopy.copy(new RegistryTarget(source, from.repository()), from.reference(),
                    new RegistryTarget(target, to.repository(), sameRegistry ? from.repository() : null),
                    to.tag(), new TargetCopy.Options(referrers, platforms, parallel), progress);
        }
        report("Copied " + from + " -> " + to, new RegistryCopy.Report(r.root(), r.blobs(), r.skipped(), r.bytes(),
                r.referrers()));
        return 0;
    }

    private void report(String shown, RegistryCopy.Report r) {
        if (out().json()) {
            out().json(Output.object().put("digest", r.root().digest().toString()).put("mediaType", r.root().mediaType())
                    .put("size", r.root().size()).put("blobs", r.blobs()).put("skipped", r.skipped())
                    .put("bytes", r.bytes()).put("referrers", r.referrers()));
        } else {
            out().info(shown + " " + r.root().digest() + ": " + r.blobs() + " blobs (" + r.skipped() + " already there, "
                    + Output.humanSize(r.bytes()) + " moved)" + (referrers ? ", " + r.referrers() + " referrers" : ""));
        }
    }

    private RegistryRef parseRegistry(String text) {
        try {
            return RegistryRef.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
