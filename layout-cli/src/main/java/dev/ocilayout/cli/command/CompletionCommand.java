package dev.ocilayout.cli.command;

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

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        String script = AutoComplete.bash(root.getCommandName(), root);
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
