package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ocilayout.model.ModelJson;
import dev.ocilayout.testing.TarBuilder;
import dev.ocilayout.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fsck of an archive before it crosses an air gap: every blob hashed in one pass, nothing written. */
class ArchiveFsckTest {
    @TempDir
    Path tmp;

    private JsonNode fsck(Path tar, int exit) throws Exception {
        Cli.Result r = Cli.run("fsck", "oci-archive:" + tar, "--format", "json");
        assertEquals(exit, r.exit(), r.toString());
        return ModelJson.mapper().readTree(r.out());
    }

    @Test
    void anExportedArchiveIsCleanPlainOrCompressed() throws Exception {
        Path layout = TestData.copy("referrers/oras", tmp.resolve("oras"));
        for (String c : new String[] {"none", "gzip", "zstd"}) {
            Path tar = tmp.resolve("a-" + c + ".tar");
            assertEquals(0, Cli.run("export", layout.toString(), "--compress", c, "-o", tar.toString()).exit());
            JsonNode r = fsck(tar, 0);
            assertTrue(r.get("clean").asBoolean(), r.toString());
            try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
                assertEquals(blobs.count(), r.get("blobsVerified").asLong(), "every blob hashed");
            }
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(4, left.count(), "the layout and the three archives: nothing else written");
        }
    }

    @Test
    void aBlobWhoseBytesChangedIsNamedWithItsDigest() throws Exception {
        Path layout = TestData.copy("example-layout", tmp.resolve("example"));
        Path tar = tmp.resolve("e.tar");
        assertEquals(0, Cli.run("export", layout.toString(), "-o", tar.toString()).exit());
        byte[] bytes = Files.readAllBytes(tar);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("Hello from the oci-layout example artifact");
        assertTrue(at > 0, "the text layer is in the tar");
        bytes[at] = 'J';
        Files.write(tar, bytes);
        JsonNode r = fsck(tar, 1);
        assertEquals("DIGEST_MISMATCH", r.get("findings").get(0).get("code").asText(), r.toString());
        assertTrue(r.get("findings").get(0).get("digest").asText().startsWith("sha256:c8ca5c3cf347"), r.toString());
    }

    @Test
    void aBlobTheArchiveLacksIsMissingWithThePathToIt() throws Exception {
        Path layout = TestData.copy("example-layout", tmp.resolve("example"));
        TarBuilder b = new TarBuilder().file("oci-layout", Files.readAllBytes(layout.resolve("oci-layout")))
                .file("index.json", Files.readAllBytes(layout.resolve("index.json")));
        try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path p : blobs.sorted().toList()) {
                if (!p.getFileName().toString().startsWith("c8ca5c3cf347")) {
                    b.file("blobs/sha256/" + p.getFileName(), Files.readAllBytes(p));
                }
            }
        }
        Path tar = Files.write(tmp.resolve("missing.tar"), b.build());
        JsonNode r = fsck(tar, 1);
        assertEquals("MISSING_BLOB", r.get("findings").get(0).get("code").asText(), r.toString());
        assertEquals(2, r.get("findings").get(0).get("via").size(), "index.json entry, then the layer");
    }
}
