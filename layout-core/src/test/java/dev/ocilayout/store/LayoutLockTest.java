package dev.ocilayout.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.LayoutOptions;
import dev.ocilayout.error.Hint;
import dev.ocilayout.error.LayoutLockedException;
import dev.ocilayout.io.Fs;
import dev.ocilayout.testing.ChildJvm;
import dev.ocilayout.testing.LayoutWorker;
import dev.ocilayout.testing.LockHolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real file system: jimfs locks are fake. */
class LayoutLockTest {
    @TempDir
    Path tmp;

    int childTryTag(Path dir, long timeoutMillis) throws Exception {
        Process p = ChildJvm.start(LayoutWorker.class, tmp.resolve("child.log"), "trytag", dir.toString(),
                Long.toString(timeoutMillis));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child finished");
        return p.exitValue();
    }

    @Test
    void anotherProcessCannotLockWhileItIsHeldEvenAfterIndexJsonIsRead() throws Exception {
        Path dir = tmp.resolve("layout");
        Layout layout = Layout.create(dir);
        LayoutLock lock = new LayoutLock(Fs.nio(), dir, Duration.ofSeconds(1));
        try (LayoutLock.Held held = lock.acquire()) {
            // Reading (opening and closing) other files must not release the fcntl lock.
            Files.readAllBytes(dir.resolve("index.json"));
            layout.index().read();
            assertEquals(6, childTryTag(dir, 300));
            assertTrue(Files.readString(tmp.resolve("child.log")).contains("locked by another process"));
        }
        assertEquals(0, childTryTag(dir, 5000));
        assertEquals(1, Tags.list(layout.index().read()).size());
    }

    @Test
    void aWaitingThreadTimesOutWithAClearError() throws Exception {
        Path dir = tmp.resolve("layout");
        Layout.create(dir);
        Layout waiting = Layout.open(dir, LayoutOptions.defaults().withLockTimeout(Duration.ofMillis(200)));
        long millis;
        LayoutLockedException e;
        try (LockHolder holder = LockHolder.hold(dir)) {
            long start = System.nanoTime();
            e = assertThrows(LayoutLockedException.class,
                    () -> waiting.index().update(i -> Tags.tag(i, "v1", LayoutWorker.TARGET)));
            millis = (System.nanoTime() - start) / 1_000_000;
        }
        assertEquals(Hint.Kind.WAIT_LONGER_FOR_LOCK, e.hint().kind(), e.getMessage());
        assertTrue(millis >= 150 && millis < 5000, "waited " + millis + " ms");
    }

    @Test
    void theLockIsReentrantWithinAThread() throws Exception {
        Path dir = tmp.resolve("layout");
        Layout.create(dir);
        LayoutLock lock = new LayoutLock(Fs.nio(), dir, Duration.ofMillis(200));
        try (LayoutLock.Held outer = lock.acquire(); LayoutLock.Held inner = lock.acquire()) {
            assertTrue(Files.exists(dir.resolve(".lock")));
        }
        assertEquals(0, childTryTag(dir, 2000), "released after both holds closed");
    }

    @Test
    void anErrorOpeningTheLockFileReleasesTheLockForOtherThreads() throws Exception {
        Path dir = tmp.resolve("layout");
        Layout.create(dir);
        dev.ocilayout.testing.FaultFs faulty = new dev.ocilayout.testing.FaultFs(dir, dev.ocilayout.testing.FaultFs.Mode.THROW, 1);
        LayoutLock lock = new LayoutLock(faulty, dir, Duration.ofMillis(500));
        assertThrows(java.io.IOException.class, lock::acquire);
        Throwable[] other = new Throwable[1];
        Thread t = new Thread(() -> {
            try (LayoutLock.Held held = new LayoutLock(Fs.nio(), dir, Duration.ofMillis(500)).acquire()) {
                // got it
            } catch (Throwable e) {
                other[0] = e;
            }
        });
        t.start();
        t.join();
        assertEquals(null, other[0], "another thread gets the lock");
        assertEquals(0, LayoutLock.jvmLockEntries(), "nothing left behind");
    }

    @Test
    void theJvmWideLockTableEmptiesWhenLocksAreReleased() throws Exception {
        for (int i = 0; i < 5; i++) {
            Path dir = tmp.resolve("layout" + i);
            Layout.create(dir).index().update(x -> Tags.tag(x, "t", LayoutWorker.TARGET));
        }
        assertEquals(0, LayoutLock.jvmLockEntries());
    }

    @Test
    void layoutsOpenedThroughASymlinkAndARelativePathShareOneLock() throws Exception {
        Path dir = tmp.resolve("layout");
        Layout.create(dir);
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
        Layout[] layouts = {Layout.open(dir), Layout.open(link), Layout.open(Path.of("").toAbsolutePath().relativize(dir))};
        Thread[] threads = new Thread[6];
        java.util.List<Throwable> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int t = 0; t < threads.length; t++) {
            Layout l = layouts[t % layouts.length];
            String prefix = "t" + t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 10; i++) {
                        String tag = prefix + "-" + i;
                        l.index().update(x -> Tags.tag(x, tag, LayoutWorker.TARGET));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(java.util.List.of(), errors);
        assertEquals(60, Tags.list(Layout.open(dir).index().read()).size());
    }
}
