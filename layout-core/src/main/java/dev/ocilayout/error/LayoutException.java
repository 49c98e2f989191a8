package dev.ocilayout.error;

import java.io.IOException;

/**
 * Root of every error this library reports about a layout or its content.
 *
 * <p>Each subclass names a situation a user can act on; its message is one line that names the file,
 * digest or field at fault. Plain {@link IOException}s from the file system pass through unwrapped.
 */
public class LayoutException extends IOException {
    private static final long serialVersionUID = 1L;

    public LayoutException(String message) {
        super(message);
    }

    public LayoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
