package dev.ocilayout.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ocilayout.testing.SeedShapes;
import dev.ocilayout.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * testdata/seed-shapes is exactly what {@link SeedShapes} generates. Regenerate it with
 * {@code mvn -pl layout-core test -Dtest=SeedShapesFixtureTest -Dtestdata.regenerate=true}.
 */
class SeedShapesFixtureTest {
    @TempDir
    Path tmp;

    static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                if (!rel.equals(".lock")) {
                    files.put(rel, java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    @Test
    void theCommittedFixtureIsWhatTheGeneratorMakes() throws IOException {
        Path fresh = tmp.resolve("seed-shapes");
        SeedShapes.build(fresh);
        Path committed = TestData.dir().resolve("seed-shapes");
        if (Boolean.getBoolean("testdata.regenerate")) {
            if (Files.exists(committed)) {
                try (Stream<Path> s = Files.walk(committed)) {
                    for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            try (Stream<Path> s = Files.walk(fresh)) {
                for (Path p : s.sorted().toList()) {
                    String rel = fresh.relativize(p).toString();
                    if (rel.equals(".lock") || rel.startsWith("ingest")) {
                        continue;
                    }
                    Path t = committed.resolve(rel);
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t);
                    }
                }
            }
        }
        assertEquals(contents(fresh), contents(committed));
    }
}
