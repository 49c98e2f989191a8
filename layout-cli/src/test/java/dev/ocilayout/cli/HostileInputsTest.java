package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.digest.Digest;
import dev.ocilayout.testing.TarBuilder;
import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-input corpus at the command line (reliability.md section 5): each input gets its exact exit
 * code and first line of stderr, and leaves the layout byte-for-byte as it was. The archive cases are in
 * {@code HostileArchiveTest} (library level); the ones here need the CLI or a layout damaged on disk.
 */
class HostileInputsTest {
    @TempDir
    Path tmp;
    Path layout;

    @BeforeEach
    void setUp() throws IOException {
        layout = TestData.copy("example-layout", tmp.resolve("L"));
    }

    /** Every file and link of a tree with its content (or target), to prove nothing changed. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String key = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    m.put(key, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    m.put(key, Digest.sha256(Files.readAllBytes(p)).toString());
                } else {
                    m.put(key, "dir");
                }
            }
        }
        m.remove(".lock");
        m.remove("ingest");
        return m;
    }

    void refused(int exit, String firstLine, String... args) throws IOException {
        Map<String, String> before = snapshot(layout);
        Cli.Result r = Cli.run(args);
        assertEquals(exit, r.exit(), r.toString());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith(firstLine), "first line: " + first);
        assertEquals(before, snapshot(layout), "the layout is unchanged");
    }

    @Test
    void digestsWithPathCharacters() throws IOException {
        refused(2, "oci-layout: invalid reference \"" + layout + "@sha256:../../etc/passwd\": invalid digest",
                "cat", layout + "@sha256:../../etc/passwd");
        refused(2, "oci-layout: invalid reference \"" + layout + "@sha256:abc\": invalid digest \"sha256:abc\": sha256 needs exactly 64",
                "cat", layout + "@sha256:abc");
        refused(3, "oci-layout: blob md5:d41d8cd98f00b204e9800998ecf8427e not found", "blob", "get",
                layout + "@md5:d41d8cd98f00b204e9800998ecf8427e");
    }

    @Test
    void anIndexJsonWithDuplicateKeysIsNeverRewritten() throws IOException {
        Path index = layout.resolve("index.json");
        Files.writeString(index, Files.readString(index).replaceFirst("\"schemaVersion\": 2", "\"schemaVersion\": 2, \"schemaVersion\": 2"));
        refused(5, "oci-layout: " + index + ": invalid JSON at line 2", "tag", layout + ":v1", "v2");
    }

    @Test
    void anIndexJsonNestedBeyondReasonIsNeverRewritten() throws IOException {
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        refused(5, "oci-layout: " + layout.resolve("index.json") + ": invalid JSON: Document nesting depth (65)"
                + " exceeds the maximum allowed (64", "tag", layout + ":v1", "v2");
    }

    @Test
    void aSymlinkedBlobsDirectoryIsNeverFollowed() throws IOException {
        Files.move(layout.resolve("blobs"), tmp.resolve("elsewhere"));
        Files.createSymbolicLink(layout.resolve("blobs"), tmp.resolve("elsewhere"));
        refused(5, "oci-layout: " + layout + ": blobs is not a directory (a symbolic link, which this tool never follows)",
                "push", layout + ":x", TestData.dir().resolve("files/hello.txt").toString());
        refused(5, "oci-layout: " + layout + ": blobs is not a directory", "fsck", layout.toString());
    }

    @Test
    void aBlobThatIsADirectory() throws IOException {
        String manifest = Cli.run("resolve", layout + ":v1").out().trim();
        Path blob = layout.resolve("blobs/sha256").resolve(manifest.substring(7));
        Files.delete(blob);
        Files.createDirectory(blob);
        refused(5, "oci-layout: blobs/sha256/" + manifest.substring(7) + " is not a regular file", "cat", layout + ":v1");
    }

    @Test
    void aBlobsAlgorithmFolderThatIsAFile() throws IOException {
        Path sha256 = layout.resolve("blobs/sha256");
        try (Stream<Path> blobs = Files.list(sha256)) {
            for (Path p : blobs.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(sha256);
        Files.writeString(sha256, "not a folder");
        String line = "oci-layout: blobs/sha256 is not a directory";
        refused(5, line, "cat", layout + ":v1");
        refused(5, line, "push", layout + ":new", TestData.dir().resolve("files/hello.txt").toString());
        refused(5, line, "fsck", layout.toString());
        refused(5, line, "gc", layout.toString());
    }

    @Test
    void aHardLinkWithARelativeTarget() throws IOException {
        Path tar = tmp.resolve("hl.tar");
        Files.write(tar, new TarBuilder().hardlink("blobs/sha256/" + "a".repeat(64), "../../../etc/passwd").build());
        refused(1, "oci-layout: " + tar + ": entry \"blobs/sha256/" + "a".repeat(64) + "\" is a hard link (to \"../../../etc/passwd\")",
                "import", tar.toString(), layout.toString());
    }

    @Test
    void aHugePaxRecord() throws IOException {
        Path tar = tmp.resolve("pax.tar");
        try (OutputStream out = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry("notes.txt");
            e.addPaxHeader("comment", "x".repeat(8 << 20));
            e.setSize(0);
            t.putArchiveEntry(e);
            t.closeArchiveEntry();
        }
        // refused as its header is read, before the 8 MiB record is held in memory
        refused(1, "oci-layout: " + tar + ": a tar metadata record of 8388625 bytes (over 1048576)", "import",
                tar.toString(), layout.toString());
    }

    @Test
    void twoHundredThousandMembers() throws IOException {
        Path tar = tmp.resolve("many.tar");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tar), 1 << 20);
             TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            for (int i = 0; i < 200_000; i++) {
                TarArchiveEntry e = new TarArchiveEntry("n/" + i);
                e.setSize(0);
                t.putArchiveEntry(e);
                t.closeArchiveEntry();
            }
        }
        refused(1, "oci-layout: " + tar + " is neither an OCI layout tar nor a docker-archive", "import", tar.toString(), layout.toString());
    }

    @Test
    void aStaleIngestIsReportedThenRepairedOnRequest() throws IOException {
        Path temp = layout.resolve("ingest/ocil-00000000-0000-0000-0000-000000000000.tmp");
        Files.createDirectories(temp.getParent());
        Files.writeString(temp, "half a blob");
        Files.setLastModifiedTime(temp, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
        Cli.Result check = Cli.run("fsck", layout.toString());
        assertEquals(0, check.exit(), check.toString());
        assertTrue(check.out().contains("warning TEMP_LEFTOVER"), check.out());
        Cli.Result repair = Cli.run("fsck", layout.toString(), "--repair");
        assertEquals(0, repair.exit(), repair.toString());
        assertTrue(repair.out().startsWith("repaired TEMP_REMOVED: removed ingest/ocil-"), repair.out());
        assertTrue(Files.notExists(temp));
        assertTrue(!Cli.run("fsck", layout.toString()).out().contains("TEMP_LEFTOVER"));
    }

    static void mkfifo(Path p) throws IOException, InterruptedException {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertEquals(0, mk.waitFor(), "mkfifo " + p);
    }

    @Test
    void aFifoAtDotLockIsAnInvalidLayoutNotAHang() throws Exception {
        mkfifo(layout.resolve(".lock"));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> refused(5,
                "oci-layout: " + layout.resolve(".lock") + " is not a regular file (a FIFO, socket or device)",
                "tag", layout + ":v1", "v2", "--lock-timeout", "1s"));
    }

    @Test
    void aSymlinkLoopAtDotLockIsNamed() throws IOException {
        Files.createSymbolicLink(layout.resolve(".lock"), layout.resolve(".lock"));
        refused(5, "oci-layout: " + layout.resolve(".lock") + " is not a regular file (a symbolic link",
                "tag", layout + ":v1", "v2");
    }

    @Test
    void aDirectoryAtDotLockIsAnInvalidLayout() throws IOException {
        Files.createDirectory(layout.resolve(".lock"));
        refused(5, "oci-layout: " + layout.resolve(".lock") + " is not a regular file (a directory)",
                "gc", layout.toString());
    }

    static byte[] utf16(String s, boolean bom) {
        byte[] body = s.getBytes(StandardCharsets.UTF_16BE);
        if (!bom) {
            return body;
        }
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) 0xfe;
        out[1] = (byte) 0xff;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    @Test
    void anIndexJsonInUtf16IsRefusedAndNeverRewritten() throws IOException {
        String json = Files.readString(layout.resolve("index.json"));
        Files.write(layout.resolve("index.json"), utf16(json, false));
        refused(5, "oci-layout: ", "tag", layout + ":v1", "v2");
        refused(5, "oci-layout: ", "fsck", "--strict", layout.toString());
        assertTrue(Cli.run("tags", layout.toString()).err().contains("JSON must be UTF-8"));
        Files.write(layout.resolve("index.json"), utf16(json, true));
        refused(5, "oci-layout: ", "tag", layout + ":v1", "v2");
    }

    @Test
    void anIndexJsonWithAUtf8ByteOrderMarkIsRefusedAndNeverRewritten() throws IOException {
        byte[] json = Files.readAllBytes(layout.resolve("index.json"));
        byte[] bom = new byte[json.length + 3];
        bom[0] = (byte) 0xef;
        bom[1] = (byte) 0xbb;
        bom[2] = (byte) 0xbf;
        System.arraycopy(json, 0, bom, 3, json.length);
        Files.write(layout.resolve("index.json"), bom);
        refused(5, "oci-layout: ", "tag", layout + ":v1", "v2");
        assertTrue(Cli.run("tags", layout.toString()).err().contains("byte order mark"));
    }

    @Test
    void anOciLayoutFileInUtf16IsRefused() throws IOException {
        Files.write(layout.resolve("oci-layout"), utf16("{\"imageLayoutVersion\":\"1.0.0\"}", true));
        refused(5, "oci-layout: ", "tag", layout + ":v1", "v2");
    }

    @Test
    void anExportIntoAMissingFolderNamesThePathGivenNotATempFile() throws IOException {
        Path target = tmp.resolve("nonexistent/dir/a.tar");
        Cli.Result r = Cli.run("export", layout + ":v1", "-o", target.toString());
        assertEquals(3, r.exit(), r.toString());
        assertEquals("oci-layout: " + target + ": no such file or directory", r.err().lines().findFirst().orElse(""));
    }

    @Test
    void aStaleLockFileIsHarmless() throws IOException {
        Files.writeString(layout.resolve(".lock"), "left by a process that died");
        assertEquals(0, Cli.run("tag", layout + ":v1", "after-crash").exit());
        assertEquals(0, Cli.run("fsck", layout.toString()).exit());
    }

    @Test
    void aDamagedReadOnlyBlobIsReplacedByTheNextPushOfItsContent() throws IOException {
        Path hello = TestData.dir().resolve("files/hello.txt");
        Path blob = layout.resolve("blobs/sha256").resolve(Digest.sha256(Files.readAllBytes(hello)).encoded());
        Files.writeString(blob, "damaged");
        Files.setPosixFilePermissions(blob, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        assertEquals(1, Cli.run("fsck", layout.toString()).exit(), "the damage is found");
        Cli.Result push = Cli.run("push", layout + ":again", hello + ":text/plain");
        assertEquals(0, push.exit(), push.toString());
        assertEquals(0, Cli.run("fsck", layout.toString()).exit(), "rename replaced the read-only file");
    }
}
