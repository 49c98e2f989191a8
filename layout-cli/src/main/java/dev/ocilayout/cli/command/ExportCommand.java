package dev.ocilayout.cli.command;

import dev.ocilayout.Layout;
import dev.ocilayout.archive.ArchiveFile;
import dev.ocilayout.archive.ArchiveWriter;
import dev.ocilayout.archive.BlobList;
import dev.ocilayout.archive.Compression;
import dev.ocilayout.archive.LayoutExport;
import dev.ocilayout.cli.Converters;
import dev.ocilayout.cli.LayoutCommand;
import dev.ocilayout.cli.Output;
import dev.ocilayout.cli.Progress;
import dev.ocilayout.cli.RegistryOptions;
import dev.ocilayout.cli.Reports;
import dev.ocilayout.copy.LayoutTarget;
import dev.ocilayout.copy.TargetCopy;
import dev.ocilayout.digest.Digest;
import dev.ocilayout.model.Address;
import dev.ocilayout.model.Platform;
import dev.ocilayout.model.RepositoryScope;
import dev.ocilayout.referrers.ReferrerStrategy;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write an OCI layout tar (oci-archive) of some references and everything they need, tags kept;"
                + " a bare DIR exports the whole layout. Deterministic: the same input gives the same bytes.",
            "--archive-format docker writes docker save's format, --archive-format dual both in one tar (docker load reads it, and"
                    + " it is an OCI layout); those hold single-platform images (choose with --platform).",
            "--exclude-blobs-from leaves out what the destination has, for delta transfers.",
            "Each blob is read once and verified as it streams; with -o the file appears only when complete."},
        footerHeading = "%nExamples:%n",
        footer = {"  oci-layout export ./layout:v1 -o v1.tar", "  oci-layout export ./layout:v1 ./layout:v2 --referrers -o release.tar",
            "  oci-layout export ./layout --compress gzip -o all.tar.gz",
            "  oci-layout export ./layout:v1 --archive-format dual \\", "      --platform linux/amd64 -o v1-docker.tar",
            "  oci-layout blobs /mnt/airgap/layout > there.txt; oci-layout export \\", "      ./layout:v2 --exclude-blobs-from there.txt -o v2-delta.tar", "  oci-layout export ./layout:v1 -o - | ssh host 'cat > v1.tar'",
            "  oci-layout export registry.example.com/team/app:v1 --referrers \\", "      --compress zstd -o app-v1.tar.zst"})
public final class ExportCommand extends LayoutCommand {
    @Parameters(arity = "1..*", paramLabel = "REF", description = "DIR:TAG, DIR@DIGEST, or DIR for the whole layout (one"
            + " layout); or references in registries and archives (REGISTRY/REPO:TAG, oci-archive:FILE:REF, ...), streamed"
            + " into the archive with no layout between.")
    List<String> refs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The archive, or - for stdout.")
    String output;

    @Option(names = "--repository", paramLabel = "NAME",
            description = "The repository exported. Of a layout holding several by full names (localhost/bimg:2),"
                    + " its tags, names kept; else the repository docker-archive RepoTags give plain tags (default: the"
                    + " image's io.containerd.image.name, else the layout directory's name).")
    String repository;

    @Option(names = "--exclude-blobs-from", paramLabel = "LAYOUT_OR_LIST",
            description = "Leave out blobs the destination has: its layout directory, or a file listing digests"
                    + " (oci-layout blobs DIR > list). The archive records them; import fails clearly without them.")
    String excludeFrom;

    @Option(names = "--archive-format", paramLabel = "oci|docker|dual", completionCandidates = ArchiveFormats.class,
            description = "oci (default): an OCI layout;"
            + " docker: docker save's format; dual: both in one tar (docker load reads it, and it is an OCI layout).")
    LayoutExport.Format archiveFormat = LayoutExport.Format.OCI;

    /** The archive formats as they are typed. */
    static final class ArchiveFormats extends java.util.ArrayList<String> {
        ArchiveFormats() {
            super(List.of("oci", "docker", "dual"));
        }
    }

    @Option(names = "--compress", paramLabel = "none|gzip|zstd", description = "Compression (default: ${DEFAULT-VALUE}).")
    Compression compress = Compression.NONE;

    @Option(names = "--referrers", description = "Include referrers (signatures, SBOMs) of everything exported.")
    boolean referrers;

    @Option(names = "--referrers-as", paramLabel = "STRATEGY", converter = Converters.StrategyConverter.class,
            description = "How the archive records referrers: subject-annotation, referrer-subject, fallback-tag or"
                    + " every-reader (default: the layout's own convention, else subject-annotation).")
    ReferrerStrategy referrersAs;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", converter = Converters.PlatformConverter.class,
            description = "Keep only these platforms of indexes; repeatable.")
    List<Platform> platforms = new ArrayList<>();

    @Mixin
    RegistryOptions registry;

    @Override
    public Integer call() throws Exception {
        if (root().layoutOption() == null && refs.stream().anyMatch(r -> address(r).kind() != Address.Kind.LAYOUT)) {
            return streamed();
        }
        List<Address> parsed = new ArrayList<>();
        for (String r : refs) {
            parsed.add(address(r));
        }
        String dir = parsed.get(0).location();
        if (parsed.stream().anyMatch(r -> !r.location().equals(dir))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "all references must be in one layout");
        }
        boolean everything = parsed.size() == 1 && parsed.get(0).isLocationOnly();
        if (!everything && parsed.stream().anyMatch(Address::isLocationOnly)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give DIR alone, or DIR:TAG / DIR@DIGEST references");
        }
        Layout layout = open(Path.of(dir));
        boolean oneRepository = everything && repository != null && !RepositoryScope.named(layout.index().read()).isEmpty();
        boolean whole = everything && !oneRepository;
        List<LayoutExport.Root> roots = oneRepository ? repositoryRoots(layout) : new ArrayList<>();
        LayoutTarget target = new LayoutTarget(layout);
        for (Address r : parsed) {
            if (!r.isLocationOnly()) {
                roots.add(new LayoutExport.Root(target.resolve(r.reference()), r.name()));
            }
        }
        LayoutExport.Format format = archiveFormat;
        Set<Digest> exclude = new HashSet<>();
        if (excludeFrom != null) {
            Path from = Path.of(excludeFrom);
            List<BlobList.Entry> list = Files.isDirectory(from) ? BlobList.of(open(from))
                    : BlobList.parse(Files.readAllBytes(from), excludeFrom);
            list.forEach(e -> exclude.add(e.digest()));
        }
        LayoutExport.Options options = new LayoutExport.Options(referrers, platforms, compress, format, repository, exclude,
                referrersAs);
        LayoutExport.Report report;
        if (output.equals("-")) {
            OutputStream out = new BufferedOutputStream(root().stdout(), 1 << 16);
            try (Progress progress = Progress.of(root(), "export", 0)) {
                report = run(layout, whole, roots, LayoutExport.Sink.of(out), options, progress);
            }
            out.flush();
        } else {
            try (Progress progress = Progress.of(root(), "export", 0)) {
                report = ArchiveFile.write(Path.of(output), sink -> run(layout, whole, roots, sink, options, progress));
            }
        }
        if (out().json()) {
            out().json(Reports.export(format, report));
        } else if (!output.equals("-")) {
            out().info("Exported " + Output.count(report.index().manifests().size(), "entry", "entries") + ", "
                    + Output.count(report.blobs(), "blob") + " ("
                    + Output.humanSize(report.bytes()) + ") to " + output
                    + (report.excluded() > 0 ? ", leaving out " + Output.count(report.excluded(), "blob") + " the destination has" : ""));
        }
        return 0;
    }

    /**
     * The tags of one repository of a layout that holds several, under their full names (the archive keeps
     * them); a name the layout does not hold is refused with the ones it does.
     */
    private List<LayoutExport.Root> repositoryRoots(Layout layout) throws IOException {
        List<String> named = RepositoryScope.named(layout.index().read());
        RepositoryScope scope;
        try {
            scope = RepositoryScope.of(repository);
        } catch (IllegalArgumentException e) {
            scope = null;
        }
        if (scope == null || !named.contains(repository)) {
            throw new CommandLine.ParameterException(spec.commandLine(), layout.root() + " holds no repository '"
                    + repository + "' (it holds " + String.join(", ", named)
                    + (RepositoryScope.hasPlainTags(layout.index().read()) ? ", and plain tags" : "") + ")");
        }
        List<LayoutExport.Root> roots = new ArrayList<>();
        for (RepositoryScope.Tagged t : scope.tags(layout.index().read())) {
            roots.add(new LayoutExport.Root(t.entry(), t.refName()));
        }
        return roots;
    }

    /**
     * References in registries or archives: each copied straight into the archive as it is written (the copy
     * engine into an {@link ArchiveWriter}), one blob at a time, each once, referrers included on request.
     */
    private int streamed() throws Exception {
        if (archiveFormat != LayoutExport.Format.OCI || excludeFrom != null || repository != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "from a registry or an archive, export writes an"
                    + " OCI archive (no --archive-format docker/dual, --exclude-blobs-from or --repository yet)");
        }
        List<Address> sources = new ArrayList<>();
        for (String r : refs) {
            Address a = address(r);
            if (a.isLocationOnly()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "'" + r + "' names no tag or digest; write "
                        + a.kind().form());
            }
            sources.add(a);
        }
        if (output.equals("-")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "from a registry or an archive, export writes"
                    + " to a file (-o FILE)");
        }
        TargetCopy.Options options = new TargetCopy.Options(referrers, platforms, 1, false);
        LayoutExport.Report report = ArchiveFile.write(Path.of(output), sink -> {
            ArchiveWriter archive = new ArchiveWriter(sink, compress, referrersAs);
            for (Address a : sources) {
                try (Progress progress = Progress.of(root(), "export " + a.reference(), 0)) {
                    TargetCopy.copy(read(a, registry), a.reference(), archive, a.name() != null && a.digest() == null
                            && a.kind() != Address.Kind.DOCKER_ARCHIVE ? a.name() : null, options, progress);
                }
            }
            return archive.finish();
        });
        if (out().json()) {
            out().json(Reports.export(LayoutExport.Format.OCI, report));
        } else {
            out().info("Exported " + Output.count(report.index().manifests().size(), "entry", "entries") + ", "
                    + Output.count(report.blobs(), "blob") + " ("
                    + Output.humanSize(report.bytes()) + ") to " + output);
        }
        return 0;
    }

    private static LayoutExport.Report run(Layout layout, boolean whole, List<LayoutExport.Root> roots, LayoutExport.Sink out,
                                           LayoutExport.Options options, java.util.function.LongConsumer progress)
            throws java.io.IOException {
        return whole ? LayoutExport.exportAll(layout, out, options, progress)
                : LayoutExport.export(layout, roots, out, options, progress);
    }
}
