package dev.ocilayout.error;

import dev.ocilayout.digest.Digest;

/** The bytes hash to another digest than the one expected. */
public final class DigestMismatchException extends IntegrityException {
    private static final long serialVersionUID = 1L;
    private final transient Digest expected;
    private final transient Digest actual;

    public DigestMismatchException(String subject, Digest expected, Digest actual) {
        super(subject + ": digest mismatch: expected " + expected + ", got " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public Digest expected() {
        return expected;
    }

    public Digest actual() {
        return actual;
    }
}
