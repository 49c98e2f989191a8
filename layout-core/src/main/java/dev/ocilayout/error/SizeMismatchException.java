package dev.ocilayout.error;

/** The content is longer or shorter than its descriptor says. */
public final class SizeMismatchException extends IntegrityException {
    private static final long serialVersionUID = 1L;
    private final long expected;
    private final long actual;

    /** @param actual the size seen, or -1 when the content was found to be longer than expected */
    public SizeMismatchException(String subject, long expected, long actual) {
        super(subject + ": size mismatch: expected " + expected + " bytes, "
                + (actual < 0 ? "got more" : "got " + actual));
        this.expected = expected;
        this.actual = actual;
    }

    public long expected() {
        return expected;
    }

    /** The size seen, or -1 when reading stopped at the first byte past the expected size. */
    public long actual() {
        return actual;
    }
}
