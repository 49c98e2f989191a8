package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.Layout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What start-up must not do, checked in a fresh JVM: Jackson's ObjectMapper costs 60 ms to set up, a
 * fifth of a short command, and opening a layout, reading {@code index.json} and printing JSON do without it.
 */
class StartupTest {
    @TempDir
    Path tmp;

    @Test
    void tagsAsJsonNeverLoadsTheObjectMapper() throws Exception {
        Path layout = tmp.resolve("layout");
        Layout.create(layout);
        Path classes = tmp.resolve("classes.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:off", "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "tags", layout.toString(), "--format", "json")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertEquals("[ ]", output.strip());
        List<String> loaded = Files.readAllLines(classes);
        assertTrue(loaded.stream().anyMatch(l -> l.contains(" dev.ocilayout.cli.Output ")), "the log lists our classes");
        assertFalse(loaded.stream().anyMatch(l -> l.contains(" com.fasterxml.jackson.databind.ObjectMapper ")),
                "ObjectMapper was loaded");
    }
}
