package dev.ocilayout.error;

/** A tag, digest, blob or layout that was asked for does not exist. */
public class NotFoundException extends LayoutException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
