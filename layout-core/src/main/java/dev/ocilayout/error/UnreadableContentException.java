package dev.ocilayout.error;

import dev.ocilayout.digest.Digest;

/**
 * Work that deletes or rewrites was refused because something it must know about could not be read or
 * parsed: treating it as absent could remove what it references. Nothing was changed.
 */
public final class UnreadableContentException extends IntegrityException {
    private static final long serialVersionUID = 1L;
    private final transient Digest digest;

    public UnreadableContentException(String message, Digest digest) {
        super(message);
        this.digest = digest;
    }

    /** The object that could not be read. */
    public Digest digest() {
        return digest;
    }
}
