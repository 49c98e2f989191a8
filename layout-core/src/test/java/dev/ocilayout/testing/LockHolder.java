package dev.ocilayout.testing;

import dev.ocilayout.io.Fs;
import dev.ocilayout.store.LayoutLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Holds a layout's lock on another thread until closed, to test what waiting writers see. */
public final class LockHolder implements AutoCloseable {
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread thread;

    private LockHolder(Path layout) {
        thread = new Thread(() -> {
            try (LayoutLock.Held h = new LayoutLock(Fs.nio(), layout, Duration.ofSeconds(5)).acquire()) {
                held.countDown();
                release.await();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, "lock-holder");
    }

    /** Starts holding the lock of {@code layout} and returns once it is held. */
    public static LockHolder hold(Path layout) throws InterruptedException {
        LockHolder h = new LockHolder(layout);
        h.thread.start();
        h.held.await();
        return h;
    }

    @Override
    public void close() throws InterruptedException {
        release.countDown();
        thread.join();
    }
}
