package dev.ocilayout.store;

import dev.ocilayout.error.Hint;
import dev.ocilayout.error.InvalidLayoutException;
import dev.ocilayout.error.LayoutLockedException;
import dev.ocilayout.io.Fs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The layout's exclusive lock, across threads and processes.
 *
 * <p>Within a JVM a {@link ReentrantLock} per lock file (keyed by its real path) serializes threads, so
 * at most one channel to the lock file is open per JVM: a JVM's fcntl lock is released when any channel on
 * the same file closes, and a second {@code FileChannel.lock} in one JVM throws
 * {@code OverlappingFileLockException} (reliability.md §3.3). Across processes, {@code FileChannel.tryLock}
 * on the dedicated file {@code .lock}, which nothing else opens, reads or deletes, is retried with backoff
 * until the timeout. The lock coordinates instances of this tool only; other tools take no such lock.
 */
public final class LayoutLock {
    /** Name of the lock file in the layout root. */
    public static final String FILE_NAME = ".lock";

    /** One lock per lock file in this JVM, with a count of its users so the map never outgrows its use. */
    private static final Map<Path, Shared> JVM_LOCKS = new HashMap<>();

    private static final class Shared {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    private final Fs fs;
    private final Path root;
    private final Duration timeout;

    public LayoutLock(Fs fs, Path root, Duration timeout) {
        this.fs = fs;
        this.root = root;
        this.timeout = timeout;
    }

    /** A held lock; closing it releases the lock. */
    public interface Held extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Acquires the lock, waiting at most the timeout; reentrant within a thread. Whatever fails on the
     * way (the timeout, an I/O error opening the lock file, an interrupt) releases what was taken.
     */
    public Held acquire() throws IOException {
        Path lockFile = root.toRealPath().resolve(FILE_NAME);
        Shared shared = enter(lockFile);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean jvmLocked = false;
        boolean acquired = false;
        FileChannel channel = null;
        try {
            if (!shared.lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw locked("another thread of this process");
            }
            jvmLocked = true;
            if (shared.lock.getHoldCount() > 1) {
                acquired = true;
                return releaser(lockFile, shared, null);
            }
            checkLockFile(lockFile);
            channel = fs.openLockFile(lockFile);
            long sleepMillis = 5;
            while (true) {
                if (channel.tryLock() != null) {
                    acquired = true;
                    return releaser(lockFile, shared, channel);
                }
                if (System.nanoTime() >= deadline) {
                    throw locked("another process");
                }
                Thread.sleep(Math.min(sleepMillis, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                sleepMillis = Math.min(sleepMillis * 2, 100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayoutLockedException("interrupted while waiting for the lock of layout " + root);
        } finally {
            if (!acquired) {
                release(lockFile, shared, channel, jvmLocked);
            }
        }
    }

    /**
     * The lock file, if it exists, must be a regular file: opening a FIFO for writing would block until a
     * reader came (so no timeout could apply), and a link is never followed.
     */
    private void checkLockFile(Path lockFile) throws IOException {
        BasicFileAttributes a;
        try {
            a = fs.attributes(lockFile);
        } catch (NoSuchFileException absent) {
            return; // created on open
        }
        if (!a.isRegularFile()) {
            String kind = a.isSymbolicLink() ? "a symbolic link, which this tool never follows"
                    : a.isDirectory() ? "a directory" : "a FIFO, socket or device";
            throw new InvalidLayoutException(root.resolve(FILE_NAME) + " is not a regular file (" + kind
                    + "); remove it (oci-layout recreates it) and retry");
        }
    }

    /** Lock files this JVM holds or waits for (for tests: it returns to zero). */
    static int jvmLockEntries() {
        synchronized (JVM_LOCKS) {
            return JVM_LOCKS.size();
        }
    }

    private static Shared enter(Path lockFile) {
        synchronized (JVM_LOCKS) {
            Shared s = JVM_LOCKS.computeIfAbsent(lockFile, k -> new Shared());
            s.users++;
            return s;
        }
    }

    private static Held releaser(Path lockFile, Shared shared, FileChannel channel) {
        return () -> release(lockFile, shared, channel, true);
    }

    /** Closes the channel (which drops the file lock), unlocks the JVM lock, and forgets it when unused. */
    private static void release(Path lockFile, Shared shared, FileChannel channel, boolean jvmLocked) throws IOException {
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            if (jvmLocked) {
                shared.lock.unlock();
            }
            synchronized (JVM_LOCKS) {
                if (--shared.users == 0) {
                    JVM_LOCKS.remove(lockFile);
                }
            }
        }
    }

    private LayoutLockedException locked(String holder) {
        return Hint.on(new LayoutLockedException("layout " + root + " is locked by " + holder + " (waited "
                + timeout.toMillis() / 1000.0 + " s)"), Hint.Kind.WAIT_LONGER_FOR_LOCK);
    }
}
