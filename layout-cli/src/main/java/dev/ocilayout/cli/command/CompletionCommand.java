package dev.ocilayout.cli.command;

import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script (bash or zsh).",
            "The script works in zsh too (it loads bashcompinit)."},
        footerHeading = "%nExamples:%n",
        footer = {"  source <(oci-layout completion bash)", "  oci-layout completion zsh > \"$${fpath[1]}/_oci-layout\""})
public final class CompletionCommand implements java.util.concurrent.Callable<Integer> {
    enum Shell { bash, zsh }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    /** What completes a file or folder name, as picocli writes it for an option of type Path. */
    private static String files(String indent) {
        return indent + "local IFS=$'\\n'\n" + indent + "type compopt &>/dev/null && compopt -o filenames\n"
                + indent + "COMPREPLY=( $( compgen -f -- \"${curr_word}\" ) ) # files\n";
    }

    /** Options whose value is a file or folder though their type is a string (a layout path may hold ':'). */
    private static final List<String> PATH_OPTIONS = List.of("--layout", "--exclude-blobs-from", "--config");

    /**
     * picocli completes a positional parameter of type String with nothing; every positional parameter of a
     * command here is a layout, an archive, a file or a reference that starts with one (a registry reference
     * is typed), so a command without subcommands completes file and folder names there, and so do the
     * options that take a path as a string. ({@code oci:} and the archive prefixes end at a ':', which bash
     * breaks words at, so {@code oci:./la<Tab>} completes {@code ./la} too.)
     */
    static String withFileCompletion(String script) {
        String[] functions = script.split("\n(?=function )", -1);
        StringBuilder out = new StringBuilder();
        for (String f : functions) {
            if (f.contains("\n  local commands=\"\"\n")) {
                f = f.replace("    local positionals=\"\"\n    local IFS=$'\\n'\n"
                        + "    COMPREPLY=( $(compgen -W \"${commands// /$'\\n'}${IFS}${positionals}\" -- \"${curr_word}\") )\n",
                        files("    "));
            }
            for (String option : PATH_OPTIONS) {
                f = f.replace("    '" + option + "')\n      return\n      ;;", "    '" + option + "')\n" + files("      ") + "      return $?\n      ;;");
            }
            out.append(out.length() == 0 ? "" : "\n").append(f);
        }
        return out.toString();
    }

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = withFileCompletion(AutoComplete.bash(root.getCommandName(), root));
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
