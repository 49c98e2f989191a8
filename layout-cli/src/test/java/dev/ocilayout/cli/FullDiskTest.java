package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (reliability.md section 5), for real: the layout lives on a 4 MiB tmpfs mounted by the test,
 * and every write that runs out of space fails with one line naming the file and "No space left on
 * device", leaves index.json and every blob as they were, and leaves no temp file behind. (An import may
 * leave whole, verified blobs it stored before the disk filled: unreferenced, as G15 allows, for gc.)
 */
class FullDiskTest {
    @TempDir
    Path tmp;
    Path mount;
    Path layout;

    static int exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    @BeforeEach
    void mountATinyFileSystem() throws Exception {
        mount = Files.createDirectory(tmp.resolve("tiny"));
        if (exec("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString()) != 0) {
            System.out.println("FullDiskTest skipped: mounting a tmpfs needs root (CI runs as root)");
            Assumptions.abort("cannot mount tmpfs");
        }
        layout = TestData.copy("example-layout", mount.resolve("L"));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null && layout != null) {
            exec("umount", mount.toString());
        }
    }

    Map<String, String> snapshotWithoutIngest() throws IOException {
        Map<String, String> m = HostileInputsTest.snapshot(layout);
        m.keySet().removeIf(k -> k.startsWith("ingest"));
        return m;
    }

    void assertNoTempFiles() throws IOException {
        if (Files.isDirectory(layout.resolve("ingest"))) {
            try (var s = Files.list(layout.resolve("ingest"))) {
                assertEquals(java.util.List.of(), s.toList(), "no temp file is left");
            }
        }
    }

    static Path sized(Path p, long bytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(p)) {
            byte[] chunk = new byte[64 * 1024];
            new java.util.Random(bytes).nextBytes(chunk);
            for (long n = 0; n < bytes; n += chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, bytes - n));
            }
        }
        return p;
    }

    @Test
    void aPushLargerThanTheFreeSpaceFailsAndChangesNothing() throws IOException {
        Path big = sized(tmp.resolve("big.bin"), 6 << 20);
        Map<String, String> before = snapshotWithoutIngest();
        Cli.Result r = Cli.run("push", layout + ":big", big + ":application/octet-stream");
        assertEquals(1, r.exit(), r.toString());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("oci-layout: " + layout.resolve("ingest") + "/"), first);
        assertTrue(first.endsWith(": No space left on device"), first);
        assertEquals(before, snapshotWithoutIngest());
        assertNoTempFiles();
        assertEquals(0, Cli.run("fsck", layout.toString()).exit());
    }

    @Test
    void aTagOnAFullDiskFailsAndKeepsIndexJson() throws IOException {
        Path filler = mount.resolve("filler");
        try {
            sized(filler, 8 << 20);
        } catch (IOException full) {
            // the disk is now full to the last block
        }
        Map<String, String> before = snapshotWithoutIngest();
        Cli.Result r = Cli.run("tag", layout + ":v1", "more");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().lines().findFirst().orElse("").endsWith(": No space left on device"), r.toString());
        assertEquals(before, snapshotWithoutIngest());
        assertNoTempFiles();
        Files.delete(filler);
        assertEquals(0, Cli.run("fsck", layout.toString()).exit());
        assertEquals(0, Cli.run("tag", layout + ":v1", "more").exit(), "works once there is space again");
    }

    /** A layout off the tiny disk tagging a 6 MiB artifact as {@code big}. */
    Path layoutWithABigArtifact() throws IOException {
        Path src = TestData.copy("example-layout", tmp.resolve("src"));
        Path big = sized(tmp.resolve("big.bin"), 6 << 20);
        assertEquals(0, Cli.run("push", src + ":big", big + ":application/octet-stream").exit());
        return src;
    }

    @Test
    void anImportLargerThanTheFreeSpaceFailsAndChangesNothing() throws IOException {
        Path src = layoutWithABigArtifact();
        Path tar = tmp.resolve("big.tar");
        assertEquals(0, Cli.run("export", src + ":big", "-o", tar.toString()).exit());
        Map<String, String> before = snapshotWithoutIngest();
        Cli.Result r = Cli.run("import", tar.toString(), layout.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().lines().findFirst().orElse("").endsWith(": No space left on device"), r.toString());
        Map<String, String> after = snapshotWithoutIngest();
        assertEquals(before.get("index.json"), after.get("index.json"), "nothing is tagged");
        before.forEach((k, v) -> assertEquals(v, after.get(k), k));
        after.keySet().removeAll(before.keySet());
        after.keySet().forEach(k -> assertTrue(k.startsWith("blobs/sha256/"), "only whole blobs, left for gc: " + k));
        assertNoTempFiles();
        assertEquals(0, Cli.run("fsck", layout.toString()).exit());
    }

    @Test
    void anExportOntoAFullDiskNamesTheFileGivenAndLeavesNothing() throws IOException {
        Path src = layoutWithABigArtifact();
        Path tar = mount.resolve("big.tar");
        Cli.Result r = Cli.run("export", src + ":big", "-o", tar.toString());
        assertEquals(1, r.exit(), r.toString());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("oci-layout: " + tar + ": No space left on device"), first);
        try (var s = Files.list(mount)) {
            assertEquals(java.util.List.of(layout), s.toList(), "no archive and no .part file is left");
        }
    }
}
