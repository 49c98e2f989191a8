package dev.ocilayout.error;

/**
 * The layout itself is not usable: {@code oci-layout} or {@code index.json} is missing, unparsable or of
 * an unsupported version, or {@code blobs/} is not a real directory. Mutating commands refuse such a layout
 * rather than rewrite it.
 */
public class InvalidLayoutException extends LayoutException {
    private static final long serialVersionUID = 1L;

    public InvalidLayoutException(String message) {
        super(message);
    }

    public InvalidLayoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
