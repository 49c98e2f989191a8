package dev.ocilayout.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.artifact.ArtifactPush;
import dev.ocilayout.error.NotFoundException;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.gc.GarbageCollector;
import dev.ocilayout.graph.GraphWalker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gc with no grace period running in a loop beside pushes (reliability.md G8): the policy is that a push
 * whose blobs gc removed between storing and tagging fails with "removed by a concurrent gc" and tags
 * nothing; a push that succeeds has its tag and every blob behind it. Never a dangling tag.
 */
class GcRaceTest {
    @TempDir
    Path tmp;

    @Test
    void pushesBesideAnAggressiveGcNeverLeaveADanglingTag() throws Exception {
        Layout layout = Layout.create(tmp.resolve("layout"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger collections = new AtomicInteger();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        Thread gc = new Thread(() -> {
            try {
                while (!stop.get()) {
                    GarbageCollector.run(layout, new GarbageCollector.Policy(false, Duration.ZERO, false));
                    collections.incrementAndGet();
                    // pauses of 0 to 2 ms: pushes that fall inside one win, the others race a collection
                    Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(3));
                }
            } catch (Throwable t) {
                errors.add(t);
            }
        });
        gc.start();
        List<String> tagged = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger pushed = new AtomicInteger();
        List<Thread> pushers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int id = t;
            Thread p = new Thread(() -> {
                try {
                    // until both outcomes were seen ten times each, within a bound
                    for (int i = 0; (tagged.size() < 10 || refused.get() < 10) && pushed.incrementAndGet() <= 1200; i++) {
                        Path file = Files.writeString(tmp.resolve("f-" + id + "-" + i), "content " + id + " " + i);
                        String tag = "p" + id + "-" + i;
                        try {
                            ArtifactPush.builder().file(file, "text/plain").build().push(layout, tag, null);
                            tagged.add(tag);
                        } catch (NotFoundException e) {
                            assertTrue(e.getMessage().contains("concurrent gc"), e.getMessage());
                            refused.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            pushers.add(p);
            p.start();
        }
        for (Thread p : pushers) {
            p.join();
        }
        stop.set(true);
        gc.join();
        assertEquals(List.of(), errors);
        for (String tag : tagged) {
            assertTrue(GraphWalker.walk(layout, List.of(layout.resolveTag(tag))).problems().isEmpty(), tag + " is complete");
        }
        int pushes = tagged.size() + refused.get();
        System.out.println("gc race: " + collections.get() + " collections beside " + pushes + " pushes: "
                + tagged.size() + " tagged complete, " + refused.get() + " refused cleanly");
        assertTrue(!tagged.isEmpty() && refused.get() > 0, "both outcomes must happen for the race to be tested: "
                + tagged.size() + " tagged, " + refused.get() + " refused");
        assertEquals(0, Fsck.check(layout, 2, null).count(Finding.Severity.ERROR));
    }
}
