package dev.ocilayout.error;

/** Another process (or thread) held the layout's lock for longer than the lock timeout. */
public final class LayoutLockedException extends LayoutException {
    private static final long serialVersionUID = 1L;

    public LayoutLockedException(String message) {
        super(message);
    }
}
