package dev.pulldoctor.agent.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pulldoctor completion SHELL}: the tab-completion script for one shell. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the tab-completion script for bash, zsh or fish.",
      "It completes commands, options, the values of options that take a fixed set (-o, --fail-on,"
          + " --log-level) and the rule ids of 'explain'.",
      ""
    },
    footerHeading = "%nLoading it:%n",
    footer = {
      "  bash, this shell:   source <(pulldoctor completion bash)",
      "  bash, every shell:  pulldoctor completion bash \\",
      "                        > ~/.local/share/bash-completion/completions/pulldoctor",
      "                      (needs the bash-completion package; without it, put the",
      "                      'source' line above in ~/.bashrc)",
      "  zsh, every shell:   put 'source <(pulldoctor completion zsh)' in ~/.zshrc",
      "                      (a bash script: it turns on zsh's bashcompinit itself)",
      "  fish, this shell:   pulldoctor completion fish | source",
      "  fish, every shell:  pulldoctor completion fish \\",
      "                        > ~/.config/fish/completions/pulldoctor.fish",
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "SHELL",
      converter = ShellConverter.class,
      completionCandidates = ShellCandidates.class,
      description = "bash, zsh or fish.")
  Shell shell = Shell.BASH;

  /** The shells a script is printed for. */
  enum Shell {
    BASH,
    ZSH,
    FISH;

    String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    PrintWriter out = spec.commandLine().getOut();
    out.print(script(shell, root));
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * picocli's bash script also serves zsh: it enables zsh's bashcompinit itself. picocli has no
   * fish generator (remkop/picocli#725 is open), so fish's comes from {@link FishCompletion}.
   */
  static String script(Shell shell, CommandLine root) {
    return switch (shell) {
      case BASH, ZSH -> AutoComplete.bash(root.getCommandName(), root);
      case FISH -> FishCompletion.script(root);
    };
  }

  static final class ShellConverter implements CommandLine.ITypeConverter<Shell> {
    @Override
    public Shell convert(String value) {
      for (Shell shell : Shell.values()) {
        if (shell.word().equals(value.toLowerCase(Locale.ROOT))) {
          return shell;
        }
      }
      throw new CommandLine.TypeConversionException(
          "expected bash, zsh or fish but was '" + value + "'");
    }
  }

  static final class ShellCandidates extends Candidates {
    ShellCandidates() {
      super(() -> List.of(Shell.values()).stream().map(Shell::word).toList());
    }
  }
}
