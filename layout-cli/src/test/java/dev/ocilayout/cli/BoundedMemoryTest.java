package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands that move bytes never hold a blob in memory: a 4 GiB layer is pushed, exported to an archive
 * and imported from it by JVMs limited to a 64 MiB heap (issue #26). Tagged slow: it writes 16 GiB, at most
 * 8 GiB at once; CI runs it (the {@code ci} profile), a developer's {@code mvn verify} does not unless
 * {@code -Pslow}.
 */
@Tag("slow")
class BoundedMemoryTest {
    private static final long FOUR_GIB = 4L << 30;
    private static final String HEAP = "-Xmx64m";

    @TempDir
    Path tmp;

    @Test
    void aFourGibLayerIsPushedExportedAndImportedInA64MibHeap() throws Exception {
        long free = Files.getFileStore(tmp).getUsableSpace();
        assumeTrue(free > 3 * FOUR_GIB + (1L << 30), () -> {
            String reason = "skipped: needs 13 GiB free under " + tmp + ", has " + (free >> 20) + " MiB";
            System.out.println("BoundedMemoryTest " + reason);
            return reason;
        });
        Path file = tmp.resolve("layer.bin");
        writeIncompressible(file, FOUR_GIB);

        Path pushed = tmp.resolve("pushed");
        run("push", pushed + ":big", file.toString(), "-q");
        Files.delete(file);
        String digest = run("resolve", pushed + ":big").strip();

        Path archive = tmp.resolve("big.tar");
        run("export", pushed + ":big", "-o", archive.toString(), "-q");
        assertTrue(Files.size(archive) > FOUR_GIB, "the archive holds the whole layer");
        deleteTree(pushed);

        Path imported = tmp.resolve("imported");
        run("import", archive.toString(), imported.toString(), "-q");
        assertEquals(digest, run("resolve", imported + ":big").strip(), "the imported image is the pushed one");
        String manifest = run("cat", imported + ":big");
        assertTrue(manifest.contains("\"size\":" + FOUR_GIB), manifest);
    }

    /** Runs the CLI in its own JVM with a 64 MiB heap; returns stdout, fails with everything it printed. */
    private String run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path err = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "finished: " + cmd);
        assertEquals(0, p.exitValue(), String.join(" ", args) + " under " + HEAP + ": " + out + Files.readString(err));
        return out;
    }

    /** Random bytes, a 1 MiB block made again for each MiB (so nothing compresses, and fast to make). */
    private static void writeIncompressible(Path file, long size) throws IOException {
        Random random = new Random(26);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
