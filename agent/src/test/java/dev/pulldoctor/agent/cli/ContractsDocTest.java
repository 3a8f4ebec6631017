package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.render.OutputFormat;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.classify.PullErrorCause;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** docs/contracts.md states what the program does: its options, exit codes and rule ids. */
class ContractsDocTest {
  private static final Path CONTRACTS = Path.of("..", "docs", "contracts.md");

  @Test
  void every_option_of_every_command_is_in_the_contract() throws IOException {
    String doc = Files.readString(CONTRACTS);
    CommandLine root =
        Main.commandLine(
            new PulldoctorCommand(),
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()));
    List<String> missing = new ArrayList<>();
    List<CommandLine> commands = new ArrayList<>();
    collect(root, commands);
    for (CommandLine command : commands) {
      for (OptionSpec option : command.getCommandSpec().options()) {
        if (!doc.contains(option.longestName())) {
          missing.add(command.getCommandSpec().qualifiedName() + " " + option.longestName());
        }
      }
      if (command.getParent() != null
          && !doc.contains("pulldoctor " + command.getCommandName())
          && !doc.contains(command.getCommandName())) {
        missing.add(command.getCommandSpec().qualifiedName());
      }
    }
    assertThat(missing).as("options and commands missing from docs/contracts.md").isEmpty();
  }

  @Test
  void every_output_format_is_in_the_synopsis() throws IOException {
    assertThat(Files.readString(CONTRACTS))
        .contains("-o|--output " + String.join("|", OutputFormat.words()) + "]");
  }

  @Test
  void the_exit_codes_are_the_programs() throws IOException {
    List<Integer> documented = new ArrayList<>();
    Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\|").matcher(Files.readString(CONTRACTS));
    while (row.find()) {
      documented.add(Integer.parseInt(row.group(1)));
    }
    assertThat(documented)
        .containsExactly(
            ExitCodes.OK,
            ExitCodes.FINDINGS,
            ExitCodes.USAGE,
            ExitCodes.UNREADABLE,
            ExitCodes.REFUSED,
            ExitCodes.INTERNAL);
  }

  @Test
  void the_rule_ids_and_causes_are_the_programs() throws IOException {
    String doc = Files.readString(CONTRACTS);
    List<String> ids = new ArrayList<>();
    Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+\\.[a-z-]+)` \\|").matcher(doc);
    while (row.find()) {
      ids.add(row.group(1));
    }
    assertThat(ids)
        .containsExactlyElementsOf(Rules.all().stream().map(r -> r.info().id()).sorted().toList());
    for (String cause : Arrays.stream(PullErrorCause.values()).map(PullErrorCause::word).toList()) {
      assertThat(doc).contains("`" + cause + "`");
    }
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    command.getSubcommands().values().forEach(sub -> collect(sub, into));
  }
}
