package dev.ocilayout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ocilayout.cli.command.CompletionCommand;
import dev.ocilayout.cli.command.GcCommand;
import dev.ocilayout.cli.command.TagsCommand;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;

/** A run builds only the subcommand it names; everything else still sees the whole command tree. */
class SubcommandSelectionTest {
    @Test
    void everySubcommandIsRegisteredUnderItsAnnotatedName() {
        for (Map.Entry<String, Class<?>> e : OciLayout.SUBCOMMANDS.entrySet()) {
            assertEquals(e.getKey(), e.getValue().getAnnotation(Command.class).name());
        }
    }

    @Test
    void theValueTakingGlobalOptionsAreExactlyThoseOfTheRootCommand() {
        CommandLine cl = OciLayout.commandLine(InputStream.nullInputStream(),
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(OutputStream.nullOutputStream()));
        Set<String> taking = new TreeSet<>();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            if (o.arity().max() > 0) {
                taking.addAll(List.of(o.names()));
            }
        }
        assertEquals(taking, new TreeSet<>(OciLayout.VALUE_OPTIONS));
    }

    @Test
    void theNamedSubcommandIsTheOnlyOneBuilt() {
        assertEquals(List.of(GcCommand.class), List.copyOf(OciLayout.subcommandsFor("gc", "dir", "--dry-run")));
        assertEquals(List.of(TagsCommand.class),
                List.copyOf(OciLayout.subcommandsFor("--format", "json", "-q", "--layout", "gc", "tags")));
        assertEquals(List.of(GcCommand.class), List.copyOf(OciLayout.subcommandsFor("--format=json", "gc")));
    }

    @Test
    void versionNeedsNoSubcommand() {
        assertEquals(List.of(), List.copyOf(OciLayout.subcommandsFor("--version")));
        assertTrue(Cli.run("-V").out().startsWith("oci-layout "));
    }

    @Test
    void helpCompletionAndUnknownNamesGetEverySubcommand() {
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"completion", "bash"},
                new String[] {"nonsense"}, new String[] {"--", "gc"}, new String[] {"--format"})) {
            assertEquals(OciLayout.SUBCOMMANDS.size(), OciLayout.subcommandsFor(args).size(), String.join(" ", args));
        }
        assertTrue(OciLayout.SUBCOMMANDS.containsValue(CompletionCommand.class));
    }

    @Test
    void topLevelHelpListsEverySubcommand() {
        String help = Cli.run("--help").out();
        Set<String> missing = OciLayout.SUBCOMMANDS.keySet().stream()
                .filter(name -> !help.contains("\n  " + name + " ")).collect(Collectors.toSet());
        assertEquals(Set.of(), missing, help);
    }

    @Test
    void aMistypedSubcommandStillGetsASuggestion() {
        Cli.Result r = Cli.run("tagz", "dir");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("tags"), r.err());
    }
}
