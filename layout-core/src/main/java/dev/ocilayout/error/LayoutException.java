package dev.ocilayout.error;

import java.io.IOException;

/**
 * Root of every error this library reports about a layout or its content.
 *
 * <p>Each subclass names a situation a user can act on; its message is one line that names the file,
 * digest or field at fault, and names no option of a front end: what a user can do about it is a
 * {@link Hint}, which the front end words. Plain {@link IOException}s from the file system pass through
 * unwrapped.
 */
public class LayoutException extends IOException {
    private static final long serialVersionUID = 1L;
    /** Set through {@link Hint#on}. */
    transient Hint hint;

    public LayoutException(String message) {
        super(message);
    }

    public LayoutException(String message, Throwable cause) {
        super(message, cause);
    }

    /** What the user can do about it, or null when the message says all there is. */
    public Hint hint() {
        return hint;
    }
}
