package dev.ocilayout.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** The repository's {@code testdata/} folder, and copies of its fixtures for tests to change. */
public final class TestData {
    private TestData() {
    }

    /** {@code testdata/} of this checkout. */
    public static Path dir() {
        String repo = System.getProperty("oci.layout.repo");
        Path p = repo != null ? Path.of(repo) : Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("testdata"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("testdata/ not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("testdata");
    }

    /** Copies {@code testdata/<name>} to {@code target} (which may be on another file system) and returns it. */
    public static Path copy(String name, Path target) throws IOException {
        Path source = dir().resolve(name);
        try (Stream<Path> s = Files.walk(source)) {
            for (Path p : s.sorted().toList()) {
                Path t = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }
}
