package dev.pulldoctor.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pulldoctor rules}: the rule catalog. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Lists every rule with its id, severity and what it checks.")
final class RulesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      completionCandidates = FormatCandidates.class,
      description = "table or json (default: ${DEFAULT-VALUE}).")
  String format = "table";

  static final class FormatCandidates extends Candidates {
    FormatCandidates() {
      super(() -> List.of("table", "json"));
    }
  }

  @Override
  public Integer call() throws JsonProcessingException {
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case "table" -> {
        int width = Rules.ids().stream().mapToInt(String::length).max().orElse(10);
        for (Rule rule : Rules.all()) {
          RuleInfo info = rule.info();
          out.printf(
              "%-" + width + "s  %-8s  %s%n", info.id(), info.severity().word(), info.title());
        }
      }
      case "json" -> {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode list = mapper.createArrayNode();
        for (Rule rule : Rules.all()) {
          RuleInfo info = rule.info();
          list.addObject()
              .put("id", info.id())
              .put("title", info.title())
              .put("severity", info.severity().word());
        }
        out.println(mapper.writeValueAsString(list));
      }
      default ->
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(), "-o: expected table or json but was '" + format + "'");
    }
    out.flush();
    return ExitCodes.OK;
  }
}
