package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layouts on disk that the user may not read or write (reliability.md section 5: "index.json with mode 000",
 * read-only files and folders). Runs the CLI in a child process without the capabilities that let root
 * ignore file modes (setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH), so the modes bite as they do
 * for any other user. Each case: the exact exit code and first line of stderr, and the layout as it was.
 */
class PermissionsTest {
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    Path tmp;
    Path layout;

    record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        if (ROOT && !Files.isExecutable(SETPRIV)) {
            System.out.println("PermissionsTest skipped: running as root and setpriv (util-linux) is absent,"
                    + " so file modes cannot be made to apply");
            Assumptions.abort("setpriv absent");
        }
        layout = TestData.copy("example-layout", tmp.resolve("L"));
    }

    /** Runs {@code oci-layout ARGS} as a process to which file modes apply. */
    Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (ROOT) {
            cmd.addAll(List.of(SETPRIV.toString(), "--bounding-set", "-dac_override,-dac_read_search", "--"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    void refused(int exit, String firstLine, String... args) throws IOException, InterruptedException {
        Map<String, String> before = snapshot();
        Result r = run(args);
        assertEquals(exit, r.exit(), r.toString());
        assertEquals(firstLine, r.err().lines().findFirst().orElse(""), r.toString());
        assertEquals(before, snapshot(), "the layout is unchanged");
    }

    Map<String, String> snapshot() throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(layout)) {
            all = s.toList();
        }
        Map<String, String> modes = new java.util.TreeMap<>();
        for (Path p : all) {
            modes.put(layout.relativize(p).toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
        modes.remove(".lock");
        Map<String, String> m = HostileInputsTest.snapshot(layout);
        m.replaceAll((k, v) -> v + " " + modes.get(k));
        return m;
    }

    static void chmod(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    @Test
    void anUnreadableIndexJsonIsReportedNotRewritten() throws Exception {
        chmod(layout.resolve("index.json"), "---------");
        String line = "oci-layout: " + layout.resolve("index.json") + ": permission denied";
        refused(1, line, "tags", layout.toString());
        refused(1, line, "tag", layout + ":v1", "v2");
        refused(1, line, "fsck", layout.toString());
    }

    @Test
    void aReadOnlyBlobsFolderFailsAPushAndLeavesNoTempFile() throws Exception {
        Path sha256 = layout.resolve("blobs/sha256");
        chmod(sha256, "r-xr-xr-x");
        Path file = Files.writeString(tmp.resolve("new.txt"), "content the layout does not have");
        Map<String, String> before = snapshot();
        Result r = run("push", layout + ":new", file + ":text/plain");
        assertEquals(1, r.exit(), r.toString());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("oci-layout: " + sha256 + "/"), first);
        assertTrue(first.contains(": permission denied (renaming " + layout.resolve("ingest") + "/"), first);
        Files.deleteIfExists(layout.resolve("ingest"));
        before.remove("ingest");
        Map<String, String> after = snapshot();
        after.remove("ingest");
        assertEquals(before, after, "nothing changed, no temp file is left");
    }

    @Test
    void aReadOnlyLayoutFolderFailsATagAndKeepsIndexJson() throws Exception {
        chmod(layout, "r-xr-xr-x");
        try {
            Result r = run("tag", layout + ":v1", "v2");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().endsWith(": permission denied\n"), r.err());
            assertTrue(Files.readString(layout.resolve("index.json")).contains("\"v1\""));
            assertTrue(!Files.readString(layout.resolve("index.json")).contains("\"v2\""));
        } finally {
            chmod(layout, "rwxr-xr-x");
        }
    }

    @Test
    void aReadOnlyLayoutCanStillBeReadVerifiedAndExported() throws Exception {
        try (Stream<Path> s = Files.walk(layout)) {
            for (Path p : s.toList()) {
                chmod(p, Files.isDirectory(p) ? "r-xr-xr-x" : "r--r--r--");
            }
        }
        try {
            Map<String, String> before = snapshot();
            assertEquals(0, run("tags", layout.toString()).exit());
            Result fsck = run("fsck", layout.toString());
            assertEquals(0, fsck.exit(), fsck.toString());
            Result export = run("export", layout + ":v1", "-o", tmp.resolve("v1.tar").toString());
            assertEquals(0, export.exit(), export.toString());
            assertEquals(before, snapshot());
        } finally {
            try (Stream<Path> s = Files.walk(layout)) {
                for (Path p : s.toList()) {
                    chmod(p, Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--");
                }
            }
        }
    }
}
