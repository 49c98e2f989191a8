package dev.ocilayout.store;

import dev.ocilayout.LayoutLockedException;
import dev.ocilayout.io.Fs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
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

    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

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

    /** Acquires the lock, waiting at most the timeout; reentrant within a thread. */
    public Held acquire() throws IOException {
        Path lockFile = root.toRealPath().resolve(FILE_NAME);
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!jvmLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw locked("another thread of this process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayoutLockedException("interrupted while waiting for the lock of layout " + root);
        }
        if (jvmLock.getHoldCount() > 1) {
            return jvmLock::unlock;
        }
        FileChannel channel = null;
        try {
            channel = fs.openLockFile(lockFile);
            long sleepMillis = 5;
            while (true) {
                FileLock fileLock = channel.tryLock();
                if (fileLock != null) {
                    FileChannel held = channel;
                    channel = null;
                    return () -> {
                        try {
                            held.close(); // releases the file lock
                        } finally {
                            jvmLock.unlock();
                        }
                    };
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
            if (channel != null) {
                try {
                    channel.close();
                } finally {
                    jvmLock.unlock();
                }
            }
        }
    }

    private LayoutLockedException locked(String holder) {
        return new LayoutLockedException("layout " + root + " is locked by " + holder + " (waited "
                + timeout.toMillis() / 1000.0 + " s); retry later or raise --lock-timeout");
    }
}
