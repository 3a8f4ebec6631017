package dev.pulldoctor.agent.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The fish completion script, written from the command model. By hand because picocli generates
 * only bash (zsh loads that through bashcompinit) and its fish generator is an open pull request
 * (remkop/picocli#725, #2463); fish cannot load a bash script.
 *
 * <p>One helper function tells which subcommand the command line is in, so each command's options,
 * subcommands and positional values are offered only there.
 */
final class FishCompletion {
  private static final Pattern SENTENCE_END = Pattern.compile("\\. (?=[A-Z])");

  private FishCompletion() {}

  static String script(CommandLine root) {
    String name = root.getCommandName();
    List<CommandLine> commands = new ArrayList<>();
    collect(root, commands);
    StringBuilder script = new StringBuilder();
    script
        .append("# fish completion for ")
        .append(name)
        .append("; load it with: ")
        .append(name)
        .append(" completion fish | source\n\n")
        .append("# Whether the subcommands typed so far are exactly those in argv.\n")
        .append("function ")
        .append(at(name))
        .append('\n')
        .append("    set -l path ")
        .append(name)
        .append('\n')
        .append("    set -l words (commandline -opc)\n")
        .append("    set -e words[1]\n")
        .append("    for word in $words\n")
        .append("        switch \"$path $word\"\n")
        .append("            case");
    for (CommandLine command : commands) {
      if (command != root) {
        script.append(' ').append(quote(path(command)));
      }
    }
    script
        .append('\n')
        .append("                set path \"$path $word\"\n")
        .append("        end\n")
        .append("    end\n")
        .append("    test \"$path\" = \"$argv\"\n")
        .append("end\n\n")
        .append("complete -c ")
        .append(name)
        .append(" -e\n");
    for (CommandLine command : commands) {
      appendCommand(script, name, command);
    }
    return script.toString();
  }

  private static void collect(CommandLine command, List<CommandLine> into) {
    into.add(command);
    for (CommandLine sub : command.getSubcommands().values()) {
      if (!sub.getCommandSpec().usageMessage().hidden() && !into.contains(sub)) {
        collect(sub, into);
      }
    }
  }

  private static void appendCommand(StringBuilder script, String name, CommandLine command) {
    CommandSpec spec = command.getCommandSpec();
    String prefix = "complete -c " + name + " -n " + quote(at(name) + " " + path(command));
    script.append('\n').append("# ").append(path(command)).append('\n');
    boolean takesFiles = false;
    for (PositionalParamSpec positional : spec.positionalParameters()) {
      if (positional.hidden()) {
        continue;
      }
      List<String> candidates = candidates(positional.completionCandidates());
      if (candidates.isEmpty()) {
        takesFiles = true;
      } else {
        script
            .append(prefix)
            .append(" -f -a ")
            .append(quote(String.join(" ", candidates)))
            .append('\n');
      }
    }
    if (!takesFiles) {
      // Nothing positional is a file: offer no file names where a subcommand or value is due.
      script.append(prefix).append(" -f\n");
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      CommandSpec subSpec = sub.getCommandSpec();
      if (subSpec.usageMessage().hidden()) {
        continue;
      }
      script
          .append(prefix)
          .append(" -f -a ")
          .append(quote(sub.getCommandName()))
          .append(" -d ")
          .append(quote(summary(subSpec)))
          .append('\n');
    }
    for (OptionSpec option : spec.options()) {
      if (option.hidden()) {
        continue;
      }
      script.append(prefix);
      for (String optionName : option.names()) {
        if (optionName.startsWith("--")) {
          script.append(" -l ").append(quote(optionName.substring(2)));
        } else if (optionName.length() == 2) {
          script.append(" -s ").append(quote(optionName.substring(1)));
        } else {
          script.append(" -o ").append(quote(optionName.substring(1)));
        }
      }
      if (option.arity().max() > 0) {
        List<String> candidates = candidates(option.completionCandidates());
        if (candidates.isEmpty()) {
          script.append(" -r");
        } else {
          script.append(" -x -a ").append(quote(String.join(" ", candidates)));
        }
      }
      script.append(" -d ").append(quote(firstSentence(option.description()))).append('\n');
    }
  }

  private static List<String> candidates(@Nullable Iterable<String> candidates) {
    List<String> values = new ArrayList<>();
    if (candidates != null) {
      candidates.forEach(values::add);
    }
    return values;
  }

  /** The names from the root to {@code command}, e.g. "pulldoctor bundle create". */
  private static String path(CommandLine command) {
    List<String> names = new ArrayList<>();
    for (CommandLine c = command; c != null; c = c.getParent()) {
      names.add(0, c.getCommandName());
    }
    return String.join(" ", names);
  }

  private static String at(String name) {
    return "__" + name.replaceAll("[^A-Za-z0-9_]", "_") + "_at";
  }

  private static String summary(CommandSpec spec) {
    String[] header = spec.usageMessage().header();
    return firstSentence(header.length > 0 ? header : spec.usageMessage().description());
  }

  /** The first sentence, without its full stop: fish shows descriptions on one line. */
  private static String firstSentence(String[] lines) {
    String text =
        Arrays.stream(lines)
            .map(String::strip)
            .collect(Collectors.joining(" "))
            .replaceAll("\\s+", " ")
            .strip();
    // A full stop ends the sentence only before a capital: "e.g. 30s" goes on.
    Matcher end = SENTENCE_END.matcher(text);
    String sentence = end.find() ? text.substring(0, end.start()) : text;
    return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
  }

  /** A fish single-quoted string: only backslash and the quote itself are special. */
  private static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
