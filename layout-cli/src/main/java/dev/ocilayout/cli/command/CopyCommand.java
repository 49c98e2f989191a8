package dev.ocilayout.cli.command;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ocilayout.archive.ArchiveTarget;
import dev.ocilayout.cli.Converters;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.Progress;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.cli.Reports;
import dev.ocilayout.content.ReadOnlyTarget;
import dev.ocilayout.content.Target;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Descriptor;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.model.Platform;
import dev.ocilayout.model.RefName;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.referrers.ReferrerStrategy;
import dev.ocilayout.referrers.Referrers;
import dev.ocilayout.registry.RegistryRef;
import dev.ocilayout.registry.RegistryTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "copy", mixinStandardHelpOptions = true,
        description = {"Copy an image, index or artifact with everything it references, from a layout, an archive or a"
                + " registry into a layout or a registry. Blobs the destination has are skipped; between layouts on one"
                + " file system blobs are hard-linked (else copied and verified), between repositories of one registry"
                + " mounted. The destination is tagged only once everything is in place.",
            "With --referrers, signatures and SBOMs come along, recorded by the destination's convention. With"
                    + " --platform, an index is narrowed to those platforms (a new index is written, and said so)."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout copy ./src:v1 ./dst", "  oci-layout copy ./src:v1 ./dst:stable --referrers",
            "  oci-layout copy ./src:multiarch ./dst:amd64 --platform linux/amd64", "  oci-layout copy ./src ./dst --all-tags",
            "  oci-layout copy ./layout:v1 registry.example.com/team/app:v1 --referrers",
            "  oci-layout copy docker://localhost:5000/team/app:v1 ./layout --plain-http \\", "      --referrers"})
public final class CopyCommand extends LayoutCommand {
    @Parameters(index = "0", paramLabel = "SRC_REF", description = "What to copy: DIR:TAG, DIR@DIGEST, oci:DIR:REF,"
            + " oci-archive:FILE:REF, docker-archive:FILE:NAME:TAG or REGISTRY/REPO:TAG|@DIGEST; with --all-tags, a"
            + " layout or repository alone.")
    String src;

    @Parameters(index = "1", paramLabel = "DST_REF", description = "DIR[:TAG] or REGISTRY/REPO[:TAG] (default tag: the source's).")
    String dst;

    @Option(names = "--referrers", description = "Also copy referrers (signatures, SBOMs), recursively.")
    boolean referrers;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", converter = Converters.PlatformConverter.class,
            description = "Keep only these platforms of an index; repeatable.")
    List<Platform> platforms = new ArrayList<>();

    @Option(names = "--all-tags", description = "Copy every tag of the source.")
    boolean allTags;

    @Option(names = "--repository", paramLabel = "NAME", description = "One repository of a layout that holds several"
            + " by full names (localhost/bimg for localhost/bimg:2): a source layout's tags are that repository's"
            + " (--all-tags: all of them), a destination layout stores them as NAME:TAG; a registry takes the tags.")
    String repository;

    @Option(names = "--no-link", description = "Always send bytes: never hard-link between layouts or mount between"
            + " repositories.")
    boolean noLink;

    @Option(names = "--referrers-as", paramLabel = "STRATEGY", converter = Converters.StrategyConverter.class,
            description = "How a destination layout records the copied referrers: subject-annotation, referrer-subject,"
                    + " fallback-tag or every-reader (default: the destination's convention; for one that has none yet,"
                    + " the source's).")
    ReferrerStrategy recordAs;

    @Option(names = "--parallel", paramLabel = "N", description = "Blobs moved at once (default: ${DEFAULT-VALUE}).")
    int parallel = 4;

    @Mixin
    RegistryOptions registry;

    @Mixin
    dev.ocilayout.cli.SignaturePolicy signatures;

    /** One end of the copy: what it is, the tag or digest it names (or null), and how to show it. */
    private record End(ReadOnlyTarget target, String reference, String shown, boolean layout) {
    }

    @Override
    public Integer call() throws Exception {
        End from = end(src, false);
        End to = end(dst, true);
        if (to.reference() != null && to.reference().indexOf(':') >= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the destination is DIR[:TAG] or"
                    + " REGISTRY/REPO[:TAG], not a digest");
        }
        if (recordAs != null && !to.layout()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--referrers-as is for a destination layout");
        }
        if (referrers && recordAs == null && to.target() instanceof LayoutTarget dstLayout) {
            to = takeTheSourcesConvention(from, to, dstLayout);
        }
        List<String[]> jobs = new ArrayList<>(); // {source reference, destination tag or null}
        if (allTags) {
            if (from.target() instanceof LayoutTarget layout && layout.scope() == null && !to.layout()) {
                List<String> named = RepositoryScope.named(layout.layout().index().read());
                if (!named.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), from.shown() + " holds repositories by"
                            + " full names (" + String.join(", ", named) + "); copy one to a registry with --repository NAME");
                }
            }
            if (from.reference() != null || to.reference() != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--all-tags copies every tag: name no tag"
                        + " on either side");
            }
            for (String t : from.target().tags()) {
                jobs.add(new String[] {t, t});
            }
            if (jobs.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "nothing to copy: " + from.shown()
                        + " has no tags" + (repository != null ? " in repository " + repository : ""));
            }
        } else {
            if (from.reference() == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "name what to copy: DIR:TAG or DIR@DIGEST"
                        + " (or --all-tags)");
            }
            jobs.add(new String[] {from.reference(), to.reference() != null ? to.reference() : defaultTag(from, to)});
        }
        TargetCopy.Options options = new TargetCopy.Options(referrers, platforms, parallel, !noLink);
        ArrayNode results = Output.object().arrayNode();
        java.util.List<java.security.PublicKey> required = signatures.active() ? signatures.keys() : java.util.List.of();
        for (String[] job : jobs) {
            if (!required.isEmpty()) {
                // checked at the source, before a byte is copied: an unsigned image is refused with nothing tagged
                Descriptor image = from.target().resolve(job[0]);
                if (dev.ocilayout.sign.Signing.needsSignature(job[0], image)) {
                    dev.ocilayout.sign.Signing.requireSigned(from.target(), image, from.shown() + (allTags ? ":" + job[0]
                            : ""), required);
                }
            }
            TargetCopy.Report r;
            try (Progress progress = Progress.of(root(), "copy", 0)) {
                r = TargetCopy.copy(from.target(), job[0], (Target) to.target(), job[1], options, progress);
            }
            if (out().json()) {
                results.add(Reports.copy(r));
            } else {
                out().info("Copied " + from.shown() + (allTags ? ":" + job[0] : "") + " -> " + to.shown()
                        + (job[1] != null ? ":" + job[1] : "") + " " + r.root().digest()
                        + (r.filtered() ? " (a new index with only " + platforms.stream().map(Platform::toString)
                                .collect(Collectors.joining(", ")) + ")" : "")
                        + ": " + Output.count(r.blobs(), "blob") + " (" + (to.layout() ? r.mounted() + " linked, " : r.mounted() > 0
                                ? r.mounted() + " mounted, " : "") + r.copied() + " copied, " + r.skipped()
                        + " already there, " + Output.humanSize(r.bytes()) + " moved)"
                        + (referrers ? ", " + Output.count(r.referrers().size(), "referrer") : ""));
            }
        }
        if (out().json()) {
            out().json(results);
        }
        return 0;
    }

    /**
     * A destination layout that records no referrers yet records them as the source does (a layout's or an
     * archive's convention), so that whoever read them there reads them in the copy; and says so.
     */
    private End takeTheSourcesConvention(End from, End to, LayoutTarget dst) throws IOException {
        ImageIndex source = from.target() instanceof LayoutTarget l ? l.layout().index().read()
                : from.target() instanceof ArchiveTarget a ? a.index() : null;
        ImageIndex destination = dst.layout().index().read();
        if (Referrers.detected(destination) != null) {
            return to;
        }
        ReferrerStrategy taken = Referrers.forCopy(destination, source);
        if (taken == null) {
            return to;
        }
        if (!out().json()) {
            out().info("Referrers are recorded as " + taken.name() + ", the source's convention (--referrers-as to choose)");
        }
        return new End(new LayoutTarget(dst.layout(), taken, dst.scope()), to.reference(), to.shown(), true);
    }

    /**
     * The destination takes the source's name: a layout the ref.name as it is (a full name stays one), a
     * registry its tag part ({@code localhost/bimg:2} → {@code 2}); a digest gives no tag.
     */
    private static String defaultTag(End from, End to) {
        String ref = from.reference();
        if (Digest.ofReference(ref) != null) {
            return null;
        }
        return to.layout() ? ref : RefName.tagOf(ref);
    }

    private RepositoryScope scope() {
        try {
            return RepositoryScope.of(repository);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repository: " + e.getMessage());
        }
    }

    private End end(String text, boolean destination) throws IOException {
        Address a;
        try {
            a = destination ? Address.parse(text) : address(text); // --layout DIR names the source's layout
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (a.kind() == Address.Kind.REGISTRY) {
            RegistryRef ref = new RegistryRef(a.location(), a.repository(), a.name(), a.digest());
            // a source names latest when it names nothing, as docker pull does; a destination takes the source's tag
            String reference = ref.digest() != null ? ref.digest().toString() : ref.tag() != null ? ref.tag()
                    : destination || allTags ? null : ref.reference();
            RegistryTarget target = new RegistryTarget(registry.client(ref.registry(), root().stdin()), ref.repository());
            return new End(target, reference, destination ? ref.withTag(null).toString() : ref.toString(), false);
        }
        if (a.kind() != Address.Kind.LAYOUT) {
            if (destination) {
                throw new CommandLine.ParameterException(spec.commandLine(), "copy writes to a layout or a registry;"
                        + " to write an archive, use export");
            }
            return new End(read(a, registry), a.reference(), text, false);
        }
        String reference = a.reference();
        Path dir = Path.of(a.location());
        RepositoryScope scope = repository == null ? null : scope();
        LayoutTarget target = destination ? new LayoutTarget(openOrCreate(dir), recordAs, scope)
                : new LayoutTarget(open(dir), null, scope);
        return new End(target, reference, destination ? a.location() : text, true);
    }
}
