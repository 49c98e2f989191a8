package dev.ocilayout.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.model.ImageIndex;
import dev.ocilayout.testing.ChildJvm;
import dev.ocilayout.testing.LayoutWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes and threads writing one layout at once lose nothing (reliability.md G5, G8): the
 * failing test of oras#149 and go-containerregistry#849, made stronger.
 */
class ConcurrentWritersTest {
    @TempDir
    Path tmp;

    @Test
    void twoProcessesAndEightThreadsTaggingAtOnceLoseNoTag() throws Exception {
        Path dir = tmp.resolve("layout");
        Layout.create(dir);
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            children.add(ChildJvm.start(LayoutWorker.class, tmp.resolve("child" + c + ".log"),
                    "tag", dir.toString(), "child" + c, "50"));
        }
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            Layout layout = Layout.open(dir);
            for (int t = 0; t < 4; t++) {
                String prefix = "jvm-l" + l + "t" + t;
                Thread thread = new Thread(() -> {
                    try {
                        for (int i = 0; i < 10; i++) {
                            String tag = prefix + "-" + i;
                            layout.index().update(x -> Tags.tag(x, tag, LayoutWorker.TARGET));
                            // index.json is always whole, valid JSON while others write
                            layout.index().read();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        for (Process p : children) {
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "child finished");
            assertEquals(0, p.exitValue(), "child exit; log: " + Files.readString(tmp.resolve("child0.log")));
        }
        assertEquals(List.of(), errors);
        Set<String> tags = new HashSet<>();
        Tags.list(Layout.open(dir).index().read()).forEach(t -> tags.add(t.name()));
        assertEquals(180, tags.size());
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 50; i++) {
                assertTrue(tags.contains("child" + c + "-" + i));
            }
        }
        try (var s = Files.list(dir.resolve("ingest"))) {
            assertEquals(0, s.count(), "no temp files left");
        }
    }

    @Test
    void fourProcessesInitializingOneDirectoryAgree() throws Exception {
        Path dir = tmp.resolve("new-layout");
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            children.add(ChildJvm.start(LayoutWorker.class, tmp.resolve("init" + c + ".log"), "init", dir.toString()));
        }
        for (int c = 0; c < 4; c++) {
            Process p = children.get(c);
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
            assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("init" + c + ".log")));
        }
        assertArrayEquals("{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(), Files.readAllBytes(dir.resolve("oci-layout")));
        assertEquals(ImageIndex.empty(), Layout.open(dir).index().read());
    }
}
