package dev.ocilayout.error;

/**
 * Input that does not parse or breaks a rule of the specs: a malformed digest, reference or tag, invalid
 * JSON, a manifest whose shape is ambiguous, a document over its size cap.
 */
public class InvalidContentException extends LayoutException {
    private static final long serialVersionUID = 1L;

    public InvalidContentException(String message) {
        super(message);
    }

    public InvalidContentException(String message, Throwable cause) {
        super(message, cause);
    }
}
