package dev.ocilayout.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Runs file work on several threads: hashing on every core, or I/O-bound work (unlink, stat) wider. */
public final class Parallel {
    /** Threads for I/O-bound work such as stat or reading many small files. */
    public static final int IO_THREADS = 16;

    /**
     * Threads for unlinking many files. On a file system mounted with {@code discard} every unlink waits
     * for the device to discard the file's blocks, so the device's queue, not the CPU, is the limit.
     */
    public static final int UNLINK_THREADS = 48;

    /** A step that may fail with an I/O error. */
    @FunctionalInterface
    public interface IoFunction<T, R> {
        R apply(T t) throws IOException;
    }

    private Parallel() {
    }

    /**
     * Applies {@code f} to every item on {@code threads} threads and returns the results in item order.
     * Each thread takes the next item until none is left (no task object per item). The first failure is
     * thrown once the other threads have stopped taking items.
     */
    public static <T, R> List<R> map(List<T> items, int threads, IoFunction<T, R> f) throws IOException {
        if (items.isEmpty()) {
            return List.of();
        }
        if (threads <= 1 || items.size() == 1) {
            List<R> out = new ArrayList<>(items.size());
            for (T t : items) {
                out.add(f.apply(t));
            }
            return out;
        }
        Object[] results = new Object[items.size()];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable work = () -> {
            for (int i = next.getAndIncrement(); i < results.length && failure.get() == null;
                    i = next.getAndIncrement()) {
                try {
                    results[i] = f.apply(items.get(i));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        int n = Math.min(threads, items.size());
        Thread[] workers = new Thread[n - 1];
        for (int t = 0; t < workers.length; t++) {
            workers[t] = new Thread(work, "oci-layout-worker");
            workers[t].setDaemon(true);
            workers[t].start();
        }
        work.run(); // the calling thread is one of the workers
        try {
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            failure.compareAndSet(null, e);
            Thread.currentThread().interrupt();
        }
        Throwable c = failure.get();
        if (c != null) {
            if (c instanceof InterruptedException) {
                throw new InterruptedIOException("interrupted");
            }
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
        @SuppressWarnings("unchecked")
        List<R> out = (List<R>) Arrays.asList(results);
        return out;
    }
}
