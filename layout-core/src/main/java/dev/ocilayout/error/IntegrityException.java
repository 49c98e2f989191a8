package dev.ocilayout.error;

/**
 * Content does not match what describes it: a digest or a size differs from what was expected.
 * Nothing is published when this is thrown during a write.
 */
public class IntegrityException extends LayoutException {
    private static final long serialVersionUID = 1L;

    public IntegrityException(String message) {
        super(message);
    }
}
