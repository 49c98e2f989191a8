package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProgressTest {
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    OciLayout root(String... args) {
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cl = OciLayout.commandLine(new ByteArrayInputStream(new byte[0]), System.out, e);
        cl.parseArgs(args);
        return cl.getCommand();
    }

    @AfterEach
    void clear() {
        System.clearProperty("oci.layout.tty");
    }

    @Test
    void drawsABarOnATerminalForLargeTransfers() {
        System.setProperty("oci.layout.tty", "true");
        try (Progress p = Progress.of(root(), "push", 64L << 20)) {
            p.accept(64L << 20);
        }
        String s = err.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("push [##############################] 100%"), s);
        assertTrue(s.contains("64.0 MiB/64.0 MiB"), s);
    }

    @Test
    void staysSilentWhenNotATerminalQuietOrSmall() {
        try (Progress p = Progress.of(root(), "push", 64L << 20)) {
            p.accept(64L << 20);
        }
        System.setProperty("oci.layout.tty", "true");
        try (Progress p = Progress.of(root("-q"), "push", 64L << 20)) {
            p.accept(64L << 20);
        }
        try (Progress p = Progress.of(root(), "push", 1024)) {
            p.accept(1024);
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void humanSizesUseBinaryUnits() {
        assertEquals("512 B", Output.humanSize(512));
        assertEquals("1.5 KiB", Output.humanSize(1536));
        assertEquals("1.0 GiB", Output.humanSize(1L << 30));
    }
}
