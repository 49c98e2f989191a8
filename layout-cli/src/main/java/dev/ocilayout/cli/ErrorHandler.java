package dev.ocilayout.cli;

import dev.ocilayout.error.LayoutException;
import dev.ocilayout.error.UnreadableContentException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import picocli.CommandLine;

/**
 * Prints every error as one line on stderr, {@code oci-layout: <message>}, with the stack trace only under
 * {@code --debug}, and maps it to its exit code.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        err.println("oci-layout: " + message(e) + hint(e, cmd));
        if (OciLayout.root(cmd).debug()) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.of(e);
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = e.getMessage();
        if (message.contains("'--format'") && cmd.getCommandSpec().findOption("--archive-format") != null) {
            message += " (the archive's own format is --archive-format oci|docker|dual)";
        }
        String unknown = unknownSubcommand(e);
        if (unknown != null) {
            message = "'" + unknown + "' is not an " + cmd.getCommandSpec().qualifiedName() + " command";
            List<String> near = nearest(unknown, cmd.getSubcommands().keySet());
            if (!near.isEmpty()) {
                message += "; did you mean " + String.join(" or ", near) + "?";
            }
        }
        err.println("oci-layout: " + message);
        if (unknown == null) {
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        }
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /** The word given where a subcommand was expected, when it names none; else null. */
    private static String unknownSubcommand(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException u) || e.getCommandLine().getSubcommands().isEmpty()
                || u.getUnmatched().isEmpty()) {
            return null;
        }
        String first = u.getUnmatched().get(0);
        return first.startsWith("-") || e.getCommandLine().getCommandSpec().parent() != null
                && !e.getCommandLine().getCommandSpec().positionalParameters().isEmpty() ? null : first;
    }

    /** The commands within two edits (a swap of neighbours is one) of {@code word}, closest first. */
    static List<String> nearest(String word, java.util.Collection<String> names) {
        java.util.TreeMap<Integer, List<String>> byDistance = new java.util.TreeMap<>();
        for (String n : names) {
            int d = distance(word, n);
            if (d <= 2 && d < n.length()) {
                byDistance.computeIfAbsent(d, k -> new java.util.ArrayList<>()).add(n);
            }
        }
        return byDistance.isEmpty() ? List.of() : byDistance.firstEntry().getValue();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * What the user can do about an error: the library's {@link dev.ocilayout.error.Hint} in the CLI's words,
     * and, where the command offers it, the flag that goes on past unreadable content; else empty.
     */
    private static String hint(Exception e, CommandLine cmd) {
        if (e instanceof UnreadableContentException && cmd.getCommandSpec().findOption("--ignore-unreadable") != null) {
            return " (repair or restore it; or, if you have decided, run again with --ignore-unreadable)";
        }
        return Hints.of(e);
    }

    /** A one-line message for any exception. */
    static String message(Throwable e) {
        if (e instanceof LayoutException || e instanceof IllegalArgumentException || e instanceof java.net.BindException) {
            return oneLine(e.getMessage());
        }
        if (e instanceof NoSuchFileException nsf) {
            return nsf.getFile() + ": no such file or directory";
        }
        if (e instanceof AccessDeniedException ade) {
            // a rename names its source first, but it is the target's folder that refused
            return ade.getOtherFile() != null ? ade.getOtherFile() + ": permission denied (renaming " + ade.getFile() + ")"
                    : ade.getFile() + ": permission denied";
        }
        if (e instanceof FileSystemException fse) {
            return oneLine(fse.getFile() + ": " + (fse.getReason() != null ? fse.getReason() : fse.getClass().getSimpleName()));
        }
        String m = e.getMessage();
        return oneLine(e.getClass().getSimpleName() + (m == null ? "" : ": " + m)) + " (run with --debug for details)";
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
