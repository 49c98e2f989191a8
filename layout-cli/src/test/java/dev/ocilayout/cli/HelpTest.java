package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code --help} shows: examples that survive copy and paste, and where the reference grammar is. */
class HelpTest {
    private static List<CommandLine> commands() {
        CommandLine root = OciLayout.commandLine(InputStream.nullInputStream(),
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(OutputStream.nullOutputStream()));
        List<CommandLine> all = new ArrayList<>();
        all.add(root);
        for (int i = 0; i < all.size(); i++) {
            all.addAll(all.get(i).getSubcommands().values());
        }
        return all;
    }

    @Test
    void noExampleOrFooterLineIsWiderThanAnEightyColumnTerminal() {
        List<String> wide = new ArrayList<>();
        for (CommandLine c : commands()) {
            for (String line : c.getCommandSpec().usageMessage().footer()) {
                if (line.length() > 79) {
                    wide.add(c.getCommandSpec().qualifiedName() + ": " + line);
                }
            }
        }
        assertEquals(List.of(), wide, "picocli would break these mid-argument at 80 columns");
    }

    @Test
    void everyFooterAndDescriptionLineIsAFormatStringTheManPageGeneratorCanFormat() {
        List<String> bad = new ArrayList<>();
        for (CommandLine c : commands()) {
            List<String> lines = new ArrayList<>(List.of(c.getCommandSpec().usageMessage().footer()));
            lines.addAll(List.of(c.getCommandSpec().usageMessage().description()));
            for (String line : lines) {
                try {
                    String.format(line); // picocli-codegen's ManPageGenerator does exactly this: a bare %s throws
                } catch (java.util.IllegalFormatException e) {
                    bad.add(c.getCommandSpec().qualifiedName() + ": " + line);
                }
            }
        }
        assertEquals(List.of(), bad, "write a literal % as %%");
    }

    @Test
    void theHelpOfEveryCommandTakingAReferencePointsToTheGrammar() {
        for (String command : List.of("copy", "export", "tags", "resolve", "cat", "tree", "discover", "lint", "pull",
                "push", "attach", "tag", "untag", "detach", "fsck", "verify")) {
            String help = Cli.run(command, "--help").out();
            assertTrue(help.contains("spec-notes/references.md"), command + " --help points to the grammar:\n" + help);
        }
    }
}
