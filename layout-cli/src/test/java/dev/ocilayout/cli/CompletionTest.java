package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.testing.PeerTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bash completion script, sourced in a real bash and asked what it completes, as a Tab press would. */
class CompletionTest {
    @TempDir
    Path tmp;
    Path script;

    @BeforeEach
    void script() throws Exception {
        PeerTools.require("bash");
        Cli.Result r = Cli.run("completion", "bash");
        assertEquals(0, r.exit(), r.toString());
        script = Files.writeString(tmp.resolve("oci-layout.bash"), r.out());
        Files.createDirectories(tmp.resolve("work/layout"));
        Files.writeString(tmp.resolve("work/sbom.json"), "{}");
    }

    /** What the script offers for the last word of {@code line} (words split as bash splits them). */
    private List<String> complete(String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append(" '").append(w).append('\'');
        }
        String bash = "source " + script + " 2>/dev/null; cd " + tmp.resolve("work") + "; COMP_WORDS=(" + array
                + " ); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE='" + String.join(" ", words) + "';"
                + " _complete_oci-layout 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        PeerTools.Result r = PeerTools.run(tmp, "bash", "-c", bash);
        r.assertOk("bash completion");
        return r.stdout().lines().filter(l -> !l.isEmpty()).sorted().toList();
    }

    @Test
    void aLayoutFolderCompletesWhereAReferenceGoes() throws Exception {
        assertEquals(List.of("./layout"), complete("oci-layout", "tags", "./la"));
        assertEquals(List.of("layout"), complete("oci-layout", "copy", "la"));
    }

    @Test
    void aFileCompletesWherePushTakesOne() throws Exception {
        assertEquals(List.of("sbom.json"), complete("oci-layout", "push", "./layout:v1", "sb"));
    }

    @Test
    void theLayoutOptionCompletesAFolder() throws Exception {
        assertEquals(List.of("layout"), complete("oci-layout", "tags", "--layout", "la"));
    }

    @Test
    void formatOffersOnlyWhatEveryCommandTakes() throws Exception {
        assertEquals(List.of("json", "text"), complete("oci-layout", "tags", "--format", ""));
        assertEquals(List.of("docker", "dual", "oci"), complete("oci-layout", "export", "--archive-format", ""));
    }

    @Test
    void subcommandsStillCompleteByName() throws Exception {
        List<String> offered = complete("oci-layout", "ta");
        assertTrue(offered.containsAll(List.of("tag", "tags")), offered.toString());
    }
}
