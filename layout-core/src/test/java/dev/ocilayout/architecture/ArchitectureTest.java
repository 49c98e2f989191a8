package dev.ocilayout.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's dependency rule, checked on its compiled classes: the package graph is acyclic, and each
 * package uses only packages of lower layers (README, "Architecture"; spec-notes/architecture.md). A new
 * package must be given a layer here.
 */
class ArchitectureTest {
    /** Layer of each package: a package may use only packages of a lower number. */
    static final Map<String, Integer> LAYERS = Map.ofEntries(
            Map.entry("dev.ocilayout.text", 0),
            Map.entry("dev.ocilayout.io", 0),
            Map.entry("dev.ocilayout.digest", 1),
            Map.entry("dev.ocilayout.error", 2),
            Map.entry("dev.ocilayout.model", 3),
            Map.entry("dev.ocilayout.store", 4),
            Map.entry("dev.ocilayout.content", 4),
            Map.entry("dev.ocilayout", 5),
            Map.entry("dev.ocilayout.graph", 6),
            Map.entry("dev.ocilayout.referrers", 7),
            Map.entry("dev.ocilayout.lint", 7),
            Map.entry("dev.ocilayout.fsck", 7),
            Map.entry("dev.ocilayout.artifact", 8),
            Map.entry("dev.ocilayout.gc", 8),
            Map.entry("dev.ocilayout.copy", 8),
            Map.entry("dev.ocilayout.sign", 9),
            Map.entry("dev.ocilayout.repository", 9),
            Map.entry("dev.ocilayout.archive", 10),
            Map.entry("dev.ocilayout.registry", 10),
            Map.entry("dev.ocilayout.serve", 10),
            Map.entry("dev.ocilayout.mirror", 11));

    static Path libraryClasses() throws Exception {
        return Path.of(Layout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void theLibrarysPackageGraphIsAcyclic() throws Exception {
        assertEquals(List.of(), PackageGraph.of(libraryClasses(), "dev.ocilayout").cycles());
    }

    @Test
    void everyPackageUsesOnlyPackagesOfLowerLayers() throws Exception {
        assertEquals(List.of(), PackageGraph.of(libraryClasses(), "dev.ocilayout").violations(LAYERS));
    }

    @Test
    void theCheckFailsOnACycleAndOnAnUpwardEdge(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path a = Files.writeString(Files.createDirectories(src.resolve("p/a")).resolve("A.java"),
                "package p.a; public class A { p.b.B b; }");
        Path b = Files.writeString(Files.createDirectories(src.resolve("p/b")).resolve("B.java"),
                "package p.b; public class B { p.a.A a; }");
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
                a.toString(), b.toString()));
        PackageGraph cyclic = PackageGraph.of(classes, "p");
        assertEquals(List.of(List.of("p.a", "p.b")), cyclic.cycles());
        List<String> violations = cyclic.violations(Map.of("p.a", 0, "p.b", 1));
        assertTrue(violations.contains("p.a (layer 0) uses p.b (layer 1)"), violations.toString());
        assertTrue(cyclic.violations(Map.of("p.a", 0)).contains("p.b has no layer in the dependency rule"));
    }
}
