package dev.ocilayout.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs file work on several threads: hashing on every core, or I/O-bound work (unlink, stat) wider. */
public final class Parallel {
    /** Threads for I/O-bound work such as unlinking many files: the device, not the CPU, is the limit. */
    public static final int IO_THREADS = 16;

    /** A step that may fail with an I/O error. */
    @FunctionalInterface
    public interface IoFunction<T, R> {
        R apply(T t) throws IOException;
    }

    private Parallel() {
    }

    /**
     * Applies {@code f} to every item on {@code threads} threads and returns the results in item order.
     * The first failure is thrown (after the remaining work is cancelled).
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
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()), r -> {
            Thread t = new Thread(r, "oci-layout-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T t : items) {
                futures.add(pool.submit(() -> f.apply(t)));
            }
            List<R> out = new ArrayList<>(items.size());
            for (Future<R> fu : futures) {
                out.add(fu.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
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
        } finally {
            pool.shutdownNow();
        }
    }
}
