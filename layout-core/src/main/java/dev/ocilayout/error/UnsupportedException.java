package dev.ocilayout.error;

/** Valid input this tool cannot handle, such as writing with a digest algorithm it does not implement. */
public final class UnsupportedException extends LayoutException {
    private static final long serialVersionUID = 1L;

    public UnsupportedException(String message) {
        super(message);
    }
}
