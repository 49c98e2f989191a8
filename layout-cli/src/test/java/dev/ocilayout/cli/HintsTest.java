package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.error.Hint;
import dev.ocilayout.error.NotFoundException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library says what is wrong; the CLI adds, in its own words, what to do about it. */
class HintsTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingLayoutIsToldHowToCreateOne() {
        Path missing = tmp.resolve("nope");
        Cli.Result r = Cli.run("tags", missing.toString());
        CliTest.assertOneLineError(r, 3, "layout " + missing + " does not exist (create it with: oci-layout init "
                + missing + ")");
    }

    @Test
    void aFullNameWrittenInTheDirFormPointsToTheOciForm() {
        Path layout = tmp.resolve("pm-dir");
        assertEquals(0, Cli.run("init", layout.toString()).exit());
        Cli.Result r = Cli.run("resolve", layout + ":localhost/bimg:2");
        CliTest.assertOneLineError(r, 3, layout + " is a layout: to name a full name in it, write oci:" + layout
                + ":localhost/bimg:TAG (or --layout " + layout + " localhost/bimg:TAG)");
    }

    @Test
    void aRegistryThatRefusesTheConnectionSuggestsPlainHttp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Path src = tmp.resolve("l");
        assertEquals(0, Cli.run("init", src.toString()).exit());
        Cli.Result r = Cli.run("copy", "127.0.0.1:" + port + "/app:v1", src.toString());
        CliTest.assertOneLineError(r, 1, "connection refused (--plain-http for a registry without TLS)");
    }

    @Test
    void everyHintHasWordsAndTheLibraryMessageHasNoFlag() {
        for (Hint.Kind kind : Hint.Kind.values()) {
            String text = Hints.text(new Hint(kind, List.of("a", "b")));
            assertFalse(text.isBlank(), kind.toString());
        }
        NotFoundException e = Hint.on(new NotFoundException("layout x does not exist"), Hint.Kind.CREATE_LAYOUT, "x");
        assertEquals("layout x does not exist", e.getMessage());
        assertTrue(Hints.of(new java.io.IOException("wrapped", e)).contains("oci-layout init x"));
    }
}
