package dev.ocilayout.io;

import java.util.function.LongConsumer;

/**
 * Told how much work a long operation covers once the library knows it, then the bytes as they are done.
 * Any {@link LongConsumer} is one that ignores the total.
 */
@FunctionalInterface
public interface ProgressListener extends LongConsumer {
    /** The bytes the work covers, once known (before it starts moving them). */
    default void planned(long bytes) {
    }

    /** A listener that hears nothing. */
    ProgressListener NONE = bytes -> { };

    /** {@code consumer} as a listener; {@link #NONE} for null. */
    static ProgressListener of(LongConsumer consumer) {
        return consumer == null ? NONE : consumer instanceof ProgressListener p ? p : consumer::accept;
    }
}
