package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** What --help lists: every command summed up in one whole sentence. */
class HelpSummaryTest {
  @Test
  void every_command_summary_is_one_whole_sentence() {
    List<String> problems = new ArrayList<>();
    for (CommandLine command : commands()) {
      CommandSpec spec = command.getCommandSpec();
      String name = spec.qualifiedName();
      String[] header = spec.usageMessage().header();
      String[] description = spec.usageMessage().description();
      // picocli lists a command by its header, else by the first line of its description.
      String summary = header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
      if (!summary.matches("[A-Z].*[A-Za-z0-9)]\\.")) {
        problems.add(name + ": '" + summary + "' is not a sentence ending with '.'");
      }
      if (count(summary, '(') != count(summary, ')')) {
        problems.add(name + ": '" + summary + "' leaves a parenthesis open");
      }
      if (summary.endsWith(":.") || summary.matches(".*\\b(the|a|an|and|or|of|to)\\.")) {
        problems.add(name + ": '" + summary + "' stops mid-sentence");
      }
      // Listed commands are read in a column: one short sentence, not the whole description.
      if (command.getParent() != null && summary.length() > 90) {
        problems.add(name + ": '" + summary + "' is longer than 90 characters");
      }
    }
    assertThat(problems).isEmpty();
  }

  /**
   * picocli wraps each description line on its own: a line wider than the help that goes on in the
   * next one leaves a stub ("registry" alone on a line). Such a line must end its paragraph.
   */
  @Test
  void description_lines_that_wrap_end_their_paragraph() {
    List<String> problems = new ArrayList<>();
    for (CommandLine command : commands()) {
      String[] lines = command.getCommandSpec().usageMessage().description();
      for (int i = 0; i < lines.length; i++) {
        boolean wraps = lines[i].length() > command.getUsageHelpWidth();
        boolean next = i + 1 < lines.length && !lines[i + 1].isEmpty();
        if (wraps && next && !lines[i].matches(".*[.:]") && !lines[i + 1].startsWith(" ")) {
          problems.add(
              command.getCommandSpec().qualifiedName()
                  + ": '"
                  + lines[i]
                  + "' goes on in the next");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  /** picocli reads each exit-code line as "code:meaning" and drops one without the colon. */
  @Test
  void every_exit_code_line_is_shown() {
    for (CommandLine command : commands()) {
      Command annotation =
          command.getCommandSpec().userObject().getClass().getAnnotation(Command.class);
      if (annotation == null) {
        continue;
      }
      assertThat(command.getCommandSpec().usageMessage().exitCodeList())
          .as(command.getCommandSpec().qualifiedName())
          .hasSameSizeAs(annotation.exitCodeList());
    }
    assertThat(CliRun.of("diagnose", "--help").out().replaceAll("\\s+", " "))
        .contains("job launcher (the message names the namespaces that do)");
  }

  @Test
  void the_command_list_shows_whole_sentences() {
    CliRun run = CliRun.of("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(
            """
              diagnose    Explains why connector job pods cannot pull custom connector
                            images.
            """)
        .contains("analyze     Re-runs every rule offline on a support bundle.\n")
        .doesNotContain("the launcher's\n");
    assertThat(CliRun.of("bundle", "--help").out())
        .contains("create  Writes a redacted support bundle (.tar.gz) with the findings.\n");
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

  private static long count(String text, char c) {
    return text.chars().filter(ch -> ch == c).count();
  }
}
