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
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

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

    @Test
    void theLineFitsTheTerminalAndNarrowsItsBarFirst() {
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        for (int columns : new int[] {120, 80, 60, 40, 30, 20}) {
            Progress p = new Progress(e, "copy", 286L << 20, true, columns);
            p.accept(120L << 20);
            String line = p.line(System.nanoTime());
            assertTrue(line.length() <= columns - 1, columns + " columns: " + line);
            assertEquals(columns >= 60, line.contains("["), columns + " columns: " + line);
            assertTrue(p.summary(System.nanoTime()).length() <= columns - 1);
        }
    }

    @Test
    void aCopyOnAPseudoTerminalRedrawsOneLineInPlaceAndEndsWithASummary() throws Exception {
        dev.ocilayout.testing.PeerTools.require("script");
        java.nio.file.Path src = tmp.resolve("src");
        byte[] big = new byte[24 << 20];
        new java.util.Random(1).nextBytes(big);
        java.nio.file.Path file = java.nio.file.Files.write(tmp.resolve("big.bin"), big);
        assertEquals(0, Cli.run("push", src + ":v1", file.toString()).exit());
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the launcher's way of telling a terminal and its width, in a pty 60 columns wide
        String command = "stty cols 60 rows 20; cols=$(stty size <&2 | cut -d' ' -f2); exec " + javaBin
                + " -Doci.layout.tty=true -Doci.layout.columns=$cols -cp '" + System.getProperty("java.class.path") + "' "
                + Main.class.getName() + " copy " + src + ":v1 " + tmp.resolve("dst") + " --no-link";
        dev.ocilayout.testing.PeerTools.Result r = dev.ocilayout.testing.PeerTools.run(tmp, "script", "-qec", command,
                "/dev/null");
        r.assertOk("copy in a pty");
        String out = r.stdout().replace("\u001b[K", "");
        java.util.List<String> drawn = java.util.Arrays.stream(out.split("[\r\n]+")).filter(l -> !l.isBlank()).toList();
        assertTrue(drawn.stream().anyMatch(l -> l.startsWith("copy [") && l.contains("100%")), out);
        assertTrue(drawn.stream().anyMatch(l -> l.startsWith("copy: 24.0 MiB in ")), "a summary line: " + out);
        for (String l : drawn.stream().filter(l -> l.startsWith("copy")).toList()) {
            assertTrue(l.length() <= 59, "the progress line fits 60 columns: '" + l + "'");
        }
        assertEquals(2, out.split("\n").length, "one progress line redrawn in place, then the report: " + out);
    }
}
