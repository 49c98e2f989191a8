package dev.ocilayout.cli;

import dev.ocilayout.error.IntegrityException;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.error.LayoutLockedException;
import dev.ocilayout.error.NotFoundException;
import picocli.CommandLine;

/** The documented exit codes, and which error gets which. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The command failed, or a check found problems. */
    public static final int FAILED = 1;
    /** Wrong arguments or options. */
    public static final int USAGE = 2;
    /** A layout, tag, digest, blob or file does not exist. */
    public static final int NOT_FOUND = 3;
    /**
     * Content does not match its digest or size, or work that deletes or rewrites was refused because content
     * it must read could not be read (nothing was changed).
     */
    public static final int INTEGRITY = 4;
    /** The layout itself is invalid (bad oci-layout or index.json); nothing was changed. */
    public static final int INVALID_LAYOUT = 5;
    /** Another process held the layout lock for longer than --lock-timeout. */
    public static final int LOCKED = 6;

    private ExitCodes() {
    }

    /** The exit code for an exception thrown by a command. */
    public static int of(Throwable t) {
        if (t instanceof CommandLine.ParameterException || t instanceof IllegalArgumentException) {
            return USAGE;
        }
        if (t instanceof NotFoundException || t instanceof java.nio.file.NoSuchFileException) {
            return NOT_FOUND;
        }
        if (t instanceof IntegrityException) {
            return INTEGRITY;
        }
        if (t instanceof InvalidLayoutException) {
            return INVALID_LAYOUT;
        }
        if (t instanceof LayoutLockedException) {
            return LOCKED;
        }
        return FAILED;
    }
}
