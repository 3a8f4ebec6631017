package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** What 'pulldoctor completion' prints, and what its scripts offer for every command. */
class CompletionCommandTest {
  @Test
  void completion_help_shows_how_to_load_the_script_in_each_shell() {
    CliRun run = CliRun.of("completion", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Usage: pulldoctor completion [-hV] [--log-level=LOG_LEVEL] SHELL")
        .contains("source <(pulldoctor completion bash)")
        .contains("put 'source <(pulldoctor completion zsh)' in ~/.zshrc")
        .contains("pulldoctor completion fish | source")
        .contains("> ~/.config/fish/completions/pulldoctor.fish")
        .doesNotContain("generate-completion");
    assertThat(run.out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThan(81));
  }

  @Test
  void the_command_list_names_the_completion_command() {
    assertThat(CliRun.of("--help").out())
        .contains("completion  Prints the tab-completion script for bash, zsh or fish.\n");
  }

  @Test
  void each_shell_gets_its_own_script() {
    String bash = CliRun.of("completion", "bash").out();
    String zsh = CliRun.of("completion", "zsh").out();
    String fish = CliRun.of("completion", "fish").out();

    assertThat(bash).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_pulldoctor");
    assertThat(zsh).isEqualTo(bash).contains("bashcompinit");
    assertThat(fish)
        .doesNotContain("#!/usr/bin/env bash", "COMPREPLY")
        .contains(
            "complete -c pulldoctor -n '__pulldoctor_at pulldoctor explain' -f -a"
                + " 'airbyte.api events.pull-failures")
        .contains("pullsecret.registry-match")
        .contains(
            "complete -c pulldoctor -n '__pulldoctor_at pulldoctor diagnose' -l 'fail-on' -x -a"
                + " 'fail warn'")
        .contains("-l 'log-level' -x -a 'error warn info debug trace'");
  }

  @Test
  void an_unknown_shell_names_the_known_ones() {
    CliRun run = CliRun.of("completion", "tcsh");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("expected bash, zsh or fish but was 'tcsh'");
  }

  /**
   * picocli's bash script keeps each option's values in a variable named after its label, so two
   * options with values and one label in one command offer the same values (--fail-on offered log
   * levels).
   */
  @Test
  void options_with_fixed_values_have_distinct_labels_within_a_command() {
    List<String> clashes = new ArrayList<>();
    for (CommandLine command : commands()) {
      Map<String, OptionSpec> byLabel = new HashMap<>();
      for (OptionSpec option : command.getCommandSpec().options()) {
        if (option.completionCandidates() == null) {
          continue;
        }
        String label = option.paramLabel().replaceAll("\\W", "_");
        OptionSpec other = byLabel.putIfAbsent(label, option);
        if (other != null) {
          clashes.add(
              command.getCommandSpec().qualifiedName()
                  + ": "
                  + other.longestName()
                  + " and "
                  + option.longestName()
                  + " are both "
                  + label);
        }
      }
    }
    assertThat(clashes).isEmpty();
  }

  private static List<CommandLine> commands() {
    CommandLine root =
        Main.commandLine(
            new PulldoctorCommand(),
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()));
    List<CommandLine> all = new ArrayList<>();
    collect(root, all);
    assertThat(all).hasSizeGreaterThan(10);
    return all;
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
