package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The triggers of gc's data loss, each as a user met it: a reachable manifest gc cannot read stops gc (and
 * every other command that deletes or rewrites) with exit 4, its path from index.json, and nothing removed;
 * {@code --ignore-unreadable} goes on for an operator who has decided.
 */
class FailClosedTest {
    @TempDir
    Path tmp;
    Path layout;
    String manifest;

    @BeforeEach
    void setUp() throws Exception {
        layout = tmp.resolve("L");
        Cli.Result r = Cli.run("push", layout + ":v1", TestData.dir().resolve("files/hello.txt").toString());
        assertEquals(0, r.exit(), r.toString());
        manifest = Cli.run("resolve", layout + ":v1").out().trim();
        // older than the grace period, so gc would remove whatever it took as unreachable
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - Duration.ofDays(2).toMillis());
        try (Stream<Path> all = Files.walk(layout)) {
            for (Path p : all.toList()) {
                Files.setLastModifiedTime(p, old);
            }
        }
    }

    Path manifestBlob() {
        return layout.resolve("blobs/sha256").resolve(manifest.substring("sha256:".length()));
    }

    void setEntrySize(long size) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = (ObjectNode) json.readTree(layout.resolve("index.json").toFile());
        index.withArray("manifests").forEach(e -> ((ObjectNode) e).put("size", size));
        Files.write(layout.resolve("index.json"), json.writeValueAsBytes(index));
    }

    /** The command exits 4 naming the manifest and its path from index.json, and the layout is unchanged. */
    void refusedAndUnchanged(String... args) throws IOException {
        Map<String, String> before = HostileInputsTest.snapshot(layout);
        Cli.Result r = Cli.run(args);
        assertEquals(4, r.exit(), r.toString());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("oci-layout: " + args[0]), first);
        assertTrue(first.contains("index.json -> tag v1"), "names the path: " + first);
        assertTrue(first.contains(manifest.substring(0, 20)), "names the manifest: " + first);
        assertTrue(first.contains("nothing was changed"), first);
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertEquals(before, HostileInputsTest.snapshot(layout), "nothing removed or rewritten");
    }

    @ParameterizedTest
    @ValueSource(longs = {10_737_418_240L, Long.MAX_VALUE})
    void anIndexEntryWhoseSizeDiffersFromItsBlobStopsGc(long size) throws IOException {
        setEntrySize(size);
        refusedAndUnchanged("gc", layout.toString());
        refusedAndUnchanged("gc", layout.toString(), "--dry-run");
        refusedAndUnchanged("gc", layout.toString(), "--drop-untagged");
    }

    @Test
    void aManifestOverTheSizeCapStopsGcUntilTheCapIsRaised() throws IOException {
        long size = Files.size(manifestBlob());
        refusedAndUnchanged("gc", layout.toString(), "--max-manifest-size", String.valueOf(size - 1));
        assertEquals(0, Cli.run("gc", layout.toString(), "--max-manifest-size", String.valueOf(size)).exit());
        assertEquals(0, Cli.run("fsck", layout.toString()).exit());
    }

    @Test
    void aManifestBlobThatIsAFifoStopsGc() throws Exception {
        Files.delete(manifestBlob());
        HostileInputsTest.mkfifo(manifestBlob());
        refusedAndUnchanged("gc", layout.toString());
    }

    @Test
    void aManifestBlobThatIsASymlinkToDevZeroStopsGc() throws IOException {
        Files.delete(manifestBlob());
        Files.createSymbolicLink(manifestBlob(), Path.of("/dev/zero"));
        refusedAndUnchanged("gc", layout.toString());
    }

    @Test
    void everyCommandThatDeletesOrRewritesRefusesToo() throws IOException {
        setEntrySize(10_737_418_240L);
        refusedAndUnchanged("untag", layout + ":v1");
        refusedAndUnchanged("fsck", layout.toString(), "--repair");
    }

    @Test
    void theMessageSaysWhatTheUserCanDo() throws IOException {
        setEntrySize(10_737_418_240L);
        Cli.Result r = Cli.run("gc", layout.toString());
        assertTrue(r.err().contains("or, if you have decided, run again with --ignore-unreadable"), r.err());
        Cli.Result repair = Cli.run("fsck", layout.toString(), "--repair");
        assertTrue(!repair.err().contains("--ignore-unreadable"), "only where the command has it: " + repair.err());
    }

    @Test
    void ignoreUnreadableGoesOnAndSaysWhatItMet() throws IOException {
        setEntrySize(10_737_418_240L);
        Cli.Result r = Cli.run("gc", layout.toString(), "--ignore-unreadable");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(Files.exists(manifestBlob()), "the manifest itself is reachable and kept");
        assertEquals(0, Cli.run("untag", layout + ":v1", "--ignore-unreadable").exit());
    }
}
