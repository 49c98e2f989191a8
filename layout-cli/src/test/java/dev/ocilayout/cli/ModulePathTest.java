package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ocilayout.testing.TarBuilder;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library on a module path, as a JPMS user has it: layout-core is the module {@code dev.ocilayout.core},
 * exporting its API and its internal helpers only to this project's modules, which work there (an error
 * message layout-archive builds with them comes out as the error, not an access failure).
 */
class ModulePathTest {
    @TempDir
    Path tmp;

    @Test
    void aProgramOnTheModulePathUsesTheApiAndCannotReachTheInternals() throws Exception {
        Path repo = dev.ocilayout.testing.TestData.dir().getParent();
        List<String> modules = new ArrayList<>();
        for (String m : List.of("layout-core", "layout-archive")) {
            try (var jars = Files.list(repo.resolve(m).resolve("target"))) {
                jars.filter(p -> p.getFileName().toString().matches(m + "-[0-9.]+(-SNAPSHOT)?\\.jar"))
                        .forEach(p -> modules.add(p.toString()));
            }
        }
        assumeTrue(modules.size() == 2, "the module jars are built by mvn package (mvn verify in CI); found " + modules);
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.matches(".*/(jackson-core|jackson-databind|jackson-annotations|commons-compress|commons-io|commons-lang3|commons-codec|zstd-jni)-[^/]*\\.jar"))
                .forEach(modules::add);
        Path badTar = Files.write(tmp.resolve("bad.tar"), new TarBuilder().file("../escape", "x").build());
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", String.join(File.pathSeparator, modules),
                "--add-modules", "ALL-MODULE-PATH",
                "-cp", Path.of(ModulePathMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                ModulePathMain.class.getName(), tmp.toString(), badTar.toString()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        assertEquals(List.of("module dev.ocilayout.core", "archive module dev.ocilayout.archive", "imported true",
                "bad archive InvalidContentException", "internal hidden"),
                out.lines().collect(Collectors.toList()), out);
    }
}
