package dev.ocilayout.store;

import java.io.InterruptedIOException;

/** Blocking calls of the transfer pipelines, where an interrupt becomes an {@link InterruptedIOException}. */
final class Interruptible {
    interface Blocking<T> {
        T call() throws InterruptedException;
    }

    private Interruptible() {
    }

    /** Runs {@code call}; on interrupt, keeps the thread's flag and fails naming {@code what} was going on. */
    static <T> T await(Blocking<T> call, String what) throws InterruptedIOException {
        try {
            return call.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + what);
        }
    }

    static <T> void put(java.util.concurrent.BlockingQueue<T> q, T item, String what) throws InterruptedIOException {
        await(() -> {
            q.put(item);
            return null;
        }, what);
    }

    static void join(Thread t, String what) throws InterruptedIOException {
        await(() -> {
            t.join();
            return null;
        }, what);
    }
}
