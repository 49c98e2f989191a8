package dev.ocilayout.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import dev.ocilayout.fsck.Finding;
import dev.ocilayout.fsck.Fsck;
import dev.ocilayout.store.Tags;
import dev.ocilayout.testing.ChildJvm;
import dev.ocilayout.testing.LayoutWorker;
import dev.ocilayout.testing.TwoImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Process kills (reliability.md G4): a child JVM tags, imports or collects garbage in a loop and is killed
 * with SIGKILL at a random moment, again and again on the same layout. After every kill the layout opens,
 * fsck finds no error, and every tag the child acknowledged is there. {@code -Dkills=N} runs N kills per
 * scenario (default 30).
 */
class KillTest {
    static final int KILLS = Integer.getInteger("kills", 30);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"tag", "import", "gc"})
    void aKilledWriterNeverLeavesABrokenLayoutOrLosesAnAcknowledgedTag(String scenario) throws Exception {
        Path dir = tmp.resolve("layout");
        TwoImages.create(dir);
        Set<String> acknowledged = new HashSet<>();
        Random random = new Random(42);
        int killedMidWork = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Path log = tmp.resolve("child-" + kill + ".log");
            String prefix = "k" + kill;
            String[] args = switch (scenario) {
                case "tag" -> new String[] {"tag", dir.toString(), prefix, "1000000", "v1"};
                case "import" -> new String[] {"import", dir.toString(), prefix, Files.createDirectories(tmp.resolve("scratch")).toString()};
                default -> new String[] {"gc", dir.toString()};
            };
            Process child = ChildJvm.start(scenario.equals("import") ? ImportWorker.class : LayoutWorker.class, log, args);
            waitForFirstAck(child, log);
            Thread.sleep(random.nextInt(300));
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            List<String> lines = Files.readAllLines(log);
            lines.stream().filter(l -> l.startsWith("ack ") && !l.startsWith("ack gc-")).forEach(l -> acknowledged.add(l.substring(4)));
            killedMidWork += child.exitValue() != 0 ? 1 : 0;

            Layout layout = Layout.open(dir);
            Fsck.Report f = Fsck.check(layout, 2, null);
            assertEquals(0, f.count(Finding.Severity.ERROR), scenario + ", kill " + kill + ": " + f.findings());
            Set<String> tags = new HashSet<>();
            Tags.list(layout.index().read()).forEach(t -> tags.add(t.name()));
            assertTrue(tags.containsAll(acknowledged), scenario + ", kill " + kill + ": lost acknowledged tags");
            assertTrue(tags.containsAll(Set.of("v1", "v2")), scenario + ", kill " + kill + ": lost the base tags");
            for (String t : tags) {
                layout.readManifest(layout.resolveTag(t)); // every tag resolves to a readable manifest
            }
        }
        System.out.println("kills: " + scenario + ": " + KILLS + " kills (" + killedMidWork + " mid-work), "
                + acknowledged.size() + " acknowledged tags kept");
        assertEquals(KILLS, killedMidWork, "every child was killed while working");
    }

    /** Waits until the child has done at least one unit of work, so the kill lands in the loop. */
    static void waitForFirstAck(Process child, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("ack ")) {
                return;
            }
            if (!child.isAlive()) {
                throw new AssertionError("worker died: " + Files.readString(log));
            }
            Thread.sleep(10);
        }
        throw new AssertionError("worker never acknowledged anything: " + Files.readString(log));
    }
}
