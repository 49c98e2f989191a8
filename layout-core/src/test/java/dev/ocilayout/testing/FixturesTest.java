package dev.ocilayout.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every generated fixture under testdata/ is exactly what its generator makes, so each one's provenance
 * is code. Regenerate with {@code mvn -pl layout-core test -Dtest=FixturesTest -Dtestdata.regenerate=true}.
 */
class FixturesTest {
    @TempDir
    Path tmp;

    interface Generator {
        void build(Path dir) throws IOException;
    }

    static Map<String, Generator> generators() {
        Map<String, Generator> g = new TreeMap<>();
        g.put("seed-shapes", SeedShapes::build);
        for (String tool : ReferrerFixtures.TOOLS) {
            g.put("referrers/" + tool, dir -> ReferrerFixtures.build(dir, tool));
        }
        return g;
    }

    static List<String> fixtures() {
        return new ArrayList<>(generators().keySet());
    }

    static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                if (!rel.equals(".lock") && !rel.startsWith("ingest")) {
                    files.put(rel, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void theCommittedFixtureIsWhatItsGeneratorMakes(String name) throws IOException {
        Path fresh = tmp.resolve("fresh");
        generators().get(name).build(fresh);
        Path committed = TestData.dir().resolve(name);
        if (Boolean.getBoolean("testdata.regenerate")) {
            if (Files.exists(committed)) {
                try (Stream<Path> s = Files.walk(committed)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
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
