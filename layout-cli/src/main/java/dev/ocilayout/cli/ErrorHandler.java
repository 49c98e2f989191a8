package dev.ocilayout.cli;

import dev.ocilayout.error.LayoutException;
import dev.ocilayout.error.UnreadableContentException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
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
        err.println("oci-layout: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCodes.USAGE;
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
        if (e instanceof LayoutException || e instanceof IllegalArgumentException) {
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
