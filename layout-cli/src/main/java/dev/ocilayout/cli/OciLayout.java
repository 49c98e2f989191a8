package dev.ocilayout.cli;

import dev.ocilayout.LayoutOptions;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.cli.command.AttachCommand;
import dev.ocilayout.cli.command.AttestCommand;
import dev.ocilayout.cli.command.BlobCommand;
import dev.ocilayout.cli.command.BlobsCommand;
import dev.ocilayout.cli.command.DetachCommand;
import dev.ocilayout.cli.command.DiscoverCommand;
import dev.ocilayout.cli.command.ReferrersCommand;
import dev.ocilayout.cli.command.CatCommand;
import dev.ocilayout.cli.command.CompletionCommand;
import dev.ocilayout.cli.command.CopyCommand;
import dev.ocilayout.cli.command.ExportCommand;
import dev.ocilayout.cli.command.ImportCommand;
import dev.ocilayout.cli.command.KeyCommand;
import dev.ocilayout.cli.command.LintCommand;
import dev.ocilayout.cli.command.MirrorCommand;
import dev.ocilayout.cli.command.ServeCommand;
import dev.ocilayout.cli.command.SignCommand;
import dev.ocilayout.cli.command.FsckCommand;
import dev.ocilayout.cli.command.GcCommand;
import dev.ocilayout.cli.command.TreeCommand;
import dev.ocilayout.cli.command.InitCommand;
import dev.ocilayout.cli.command.PullCommand;
import dev.ocilayout.cli.command.PushCommand;
import dev.ocilayout.cli.command.ResolveCommand;
import dev.ocilayout.cli.command.TagCommand;
import dev.ocilayout.cli.command.TagsCommand;
import dev.ocilayout.cli.command.UntagCommand;
import dev.ocilayout.cli.command.VerifyCommand;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code oci-layout} command: global options and the list of subcommands. */
@Command(name = "oci-layout",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Manage OCI Image Layouts on disk (oci-layout, index.json, blobs/) as offline repositories.",
            "",
            "References, one grammar for every command (spec-notes/references.md): DIR[:TAG|@DIGEST] (the tag is"
                    + " the text after the last ':' that follows the last '/'), oci:DIR[:REF|@DIGEST] (REF: the whole"
                    + " ref.name, e.g. localhost/app:2), oci-archive:FILE[:REF|@DIGEST] and"
                    + " docker-archive:FILE[:NAME:TAG|@DIGEST] (read in place), [docker://]REGISTRY/REPO[:TAG|@DIGEST]."
                    + " For a folder containing ':' or '@', give it with --layout DIR and write just REF or @DIGEST.",
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:failed, or findings reported",
            "2:usage error (bad argument or option)",
            "3:not found (layout, tag, digest, blob, file)",
            "4:integrity error (digest or size mismatch)",
            "5:invalid layout (bad oci-layout or index.json; left unchanged)",
            "6:layout locked by another process (see --lock-timeout)",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  oci-layout init ./layout",
            "  oci-layout push ./layout:v1 sbom.json:application/spdx+json \\", "      --artifact-type application/spdx+json",
            "  oci-layout tags ./layout --format json",
            "  oci-layout pull ./layout:v1 -o out/",
            "  oci-layout tree ./layout",
            "  oci-layout fsck ./layout && oci-layout gc ./layout --dry-run",
        })
public final class OciLayout {
    /**
     * The subcommands by name, in the order help lists them. Picocli reads each command's annotations
     * by reflection when it is added, about 9 ms a command here, so a run adds only the one it names
     * ({@link #execute}); help, completion and names that match none get them all.
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands(
            InitCommand.class, "init", PushCommand.class, "push", PullCommand.class, "pull",
            TagsCommand.class, "tags", TagCommand.class, "tag", UntagCommand.class, "untag",
            ResolveCommand.class, "resolve", CatCommand.class, "cat", BlobCommand.class, "blob",
            TreeCommand.class, "tree", CopyCommand.class, "copy", ExportCommand.class, "export",
            ImportCommand.class, "import", BlobsCommand.class, "blobs", AttachCommand.class, "attach",
            DiscoverCommand.class, "discover", DetachCommand.class, "detach", ReferrersCommand.class, "referrers",
            GcCommand.class, "gc", FsckCommand.class, "fsck", LintCommand.class, "lint",
            ServeCommand.class, "serve", MirrorCommand.class, "mirror", KeyCommand.class, "key", SignCommand.class, "sign",
            AttestCommand.class, "attest",
            VerifyCommand.class, "verify", CompletionCommand.class, "completion");

    /** Global options that take a value as the next argument (the rest are flags). */
    static final Set<String> VALUE_OPTIONS = Set.of("--format", "--lock-timeout", "--max-manifest-size",
            "--max-index-size", "--layout");

    /** Output format of every command that prints data (an archive's format is export's --archive-format). */
    public enum Format {
        text, json
    }

    @Option(names = "--format", scope = ScopeType.INHERIT, paramLabel = "text|json",
            description = "Output: text for people, json for programs (one document per command; the fields are in"
                    + " the README). Default: ${DEFAULT-VALUE}.")
    Format format = Format.text;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print nothing but requested data and errors; no progress.")
    boolean quiet;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
    boolean debug;

    @Option(names = "--lock-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            converter = Converters.DurationConverter.class,
            description = "How long a writer waits for another process's lock, e.g. 500ms, 10s, 2m (default: 30s).")
    Duration lockTimeout = LayoutOptions.DEFAULT_LOCK_TIMEOUT;

    @Option(names = "--max-manifest-size", scope = ScopeType.INHERIT, paramLabel = "SIZE",
            converter = Converters.SizeConverter.class,
            description = "Largest manifest or index blob read into memory (default: 4MiB, as registries cap it).")
    long maxManifestSize = ModelJson.MAX_MANIFEST_BYTES;

    @Option(names = "--max-index-size", scope = ScopeType.INHERIT, paramLabel = "SIZE",
            converter = Converters.SizeConverter.class,
            description = "Largest index.json read (default: 64MiB, about half a million entries).")
    long maxIndexSize = ModelJson.MAX_INDEX_JSON_BYTES;

    @Option(names = "--layout", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "Layout directory, for paths containing ':' or '@'; references then are just TAG or @DIGEST.")
    String layout;

    private final InputStream stdin;
    private final PrintStream stdout;
    private final PrintStream stderr;

    OciLayout(InputStream stdin, PrintStream stdout, PrintStream stderr) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Runs {@code args} over the given streams (tests pass their own) and returns the exit code. */
    public static int execute(InputStream stdin, PrintStream stdout, PrintStream stderr, String... args) {
        CommandLine cl = commandLine(stdin, stdout, stderr, subcommandsFor(args));
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
        }
    }

    /** Builds the whole command line, every subcommand, over the given streams. */
    public static CommandLine commandLine(InputStream stdin, PrintStream stdout, PrintStream stderr) {
        return commandLine(stdin, stdout, stderr, SUBCOMMANDS.values());
    }

    /**
     * The subcommands a run of {@code args} needs: the one named by the first argument that is not a
     * global option or its value; none for {@code --version}; all of them for help, {@code completion} (its
     * script covers every command) and names that match none (so picocli can suggest one).
     */
    static Collection<Class<?>> subcommandsFor(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (VALUE_OPTIONS.contains(a)) {
                i++;
            } else if (!a.startsWith("-")) {
                Class<?> named = SUBCOMMANDS.get(a);
                return named == null || named == CompletionCommand.class ? SUBCOMMANDS.values() : List.of(named);
            } else if (a.equals("--")) {
                break;
            }
        }
        return List.of(args).contains("--version") || List.of(args).contains("-V") ? List.of() : SUBCOMMANDS.values();
    }

    private static CommandLine commandLine(InputStream stdin, PrintStream stdout, PrintStream stderr,
            Collection<Class<?>> subcommands) {
        ErrorHandler errors = new ErrorHandler();
        CommandLine cl = new CommandLine(new OciLayout(stdin, stdout, stderr));
        subcommands.forEach(cl::addSubcommand);
        cl.registerConverter(java.util.regex.Pattern.class, new Converters.PatternConverter()); // after: it reaches those there
        cl.getSubcommands().values().forEach(OciLayout::pointToTheReferenceGrammar);
        cl.getSubcommands().values().forEach(OciLayout::withoutVersionOption);
        // stdout is flushed when the command ends (above) and by Output.info, not at every line: a listing of
        // a hundred thousand tags made as many write calls, a third of the command's time
        cl.setOut(new PrintWriter(new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16),
                false));
        cl.setErr(new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        cl.setExitCodeExceptionMapper(ExitCodes::of);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionStrategy(parsed -> {
            CommandLine leaf = parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl;
    }

    /** The forms of a reference, at the end of the help of every command that takes one. */
    private static final List<String> REFERENCE_FORMS = List.of("",
            "References (the grammar: oci-layout --help, spec-notes/references.md):",
            "  DIR[:TAG|@DIGEST]                oci:DIR[:REF|@DIGEST]",
            "  oci-archive:FILE[:REF|@DIGEST]   docker-archive:FILE[:NAME:TAG|@DIGEST]",
            "  [docker://]REGISTRY/REPO[:TAG|@DIGEST]");

    /** {@code oci-layout --version} says the version; a subcommand's {@code -V} only cluttered its help. */
    private static void withoutVersionOption(CommandLine sub) {
        CommandLine.Model.OptionSpec version = sub.getCommandSpec().findOption("--version");
        if (version != null) {
            sub.getCommandSpec().remove(version);
        }
        sub.getSubcommands().values().forEach(OciLayout::withoutVersionOption);
    }

    private static void pointToTheReferenceGrammar(CommandLine sub) {
        boolean takesReferences = sub.getCommandSpec().positionalParameters().stream().map(p -> p.paramLabel())
                .anyMatch(l -> l.contains("REF") || l.contains("WHERE") || l.contains("ARCHIVE") || l.startsWith("DIR:")
                        || l.startsWith("DIR@"));
        if (takesReferences) {
            CommandLine.Model.UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            List<String> footer = new java.util.ArrayList<>(List.of(usage.footer()));
            footer.addAll(REFERENCE_FORMS);
            usage.footer(footer.toArray(String[]::new));
        }
    }

    private static Map<String, Class<?>> subcommands(Object... classesAndNames) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < classesAndNames.length; i += 2) {
            byName.put((String) classesAndNames[i + 1], (Class<?>) classesAndNames[i]);
        }
        return Collections.unmodifiableMap(byName);
    }

    /** The root command object of any command line in the tree. */
    public static OciLayout root(CommandLine cmd) {
        return (OciLayout) cmd.getCommandSpec().root().userObject();
    }

    public Format format() {
        return format;
    }

    public boolean json() {
        return format == Format.json;
    }

    public boolean quiet() {
        return quiet;
    }

    public boolean debug() {
        return debug;
    }

    public String layoutOption() {
        return layout;
    }

    private static int intSize(long size, String option) {
        if (size < 2 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(option + ": must be between 2 bytes and 2GiB");
        }
        return (int) size;
    }

    public LayoutOptions layoutOptions() {
        return LayoutOptions.defaults().withLockTimeout(lockTimeout).withMaxManifestBytes(intSize(maxManifestSize, "--max-manifest-size"))
                .withMaxIndexBytes(intSize(maxIndexSize, "--max-index-size"));
    }

    public InputStream stdin() {
        return stdin;
    }

    /** Raw standard output, for bytes (cat, blob get). */
    public PrintStream stdout() {
        return stdout;
    }

    public PrintStream stderr() {
        return stderr;
    }
}
