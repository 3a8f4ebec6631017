package dev.pulldoctor.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.rules.classify.Classification;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.classify.PullErrorClassifier;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pulldoctor classify}: the cause of a pull-error message, without any cluster. */
@Command(
    name = "classify",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Classifies the text of a failed image pull into a cause, without a cluster.",
      "The text is a kubelet event, a container status, or a containerd, CRI-O or Docker error; the"
          + " causes: auth, not_found, network_dns, network_timeout, network_refused, tls,"
          + " rate_limit, platform, invalid_reference, never_pull_policy, registry_server_error,"
          + " proxy, other.",
      "",
      "With -f, reads JSON lines (one object with a string field 'message' per line) and prints"
          + " one JSON object per input line, in order.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  pulldoctor classify 'Failed to pull image \"acme/app:1\": ... manifest unknown'",
      "  pulldoctor classify -f messages.jsonl > classified.jsonl",
      "  kubectl get events -o json | jq -c '.items[] | {message}' | pulldoctor classify -f -"
    })
final class ClassifyCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How classifications are printed. */
  enum Format {
    TEXT,
    JSON
  }

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "MESSAGE",
      description = "The error message to classify (quote it for the shell).")
  @Nullable String message;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE.jsonl",
      description = "Classify every line of a JSON-lines file instead ('-' reads standard input).")
  @Nullable Path file;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      completionCandidates = FormatCandidates.class,
      description =
          "text (cause: explanation) or json. Default: text for a MESSAGE, json for a file.")
  @Nullable Format format;

  static final class FormatCandidates extends Candidates {
    FormatCandidates() {
      super(() -> List.of("text", "json"));
    }
  }

  @Override
  public Integer call() throws InputException {
    if ((message == null) == (file == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give either a MESSAGE or -f FILE.jsonl");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (message != null) {
      out.println(render(message, format == null ? Format.TEXT : format));
    } else {
      classifyFile(file, format == null ? Format.JSON : format, out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static void classifyFile(Path path, Format format, PrintWriter out)
      throws InputException {
    boolean fromStdin = path.toString().equals("-");
    String name = fromStdin ? "stdin" : path.toString();
    try (BufferedReader reader = open(path, fromStdin)) {
      int number = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        if (!line.isBlank()) {
          out.println(render(messageOf(name, number, line), format));
        }
      }
    } catch (NoSuchFileException e) {
      throw new InputException("cannot read " + name + ": no such file");
    } catch (CharacterCodingException e) {
      throw new InputException("cannot read " + name + ": not UTF-8 text");
    } catch (IOException e) {
      throw new InputException("cannot read " + name + ": " + e.getClass().getSimpleName());
    }
  }

  private static BufferedReader open(Path path, boolean fromStdin) throws IOException {
    if (!fromStdin) {
      return Files.newBufferedReader(path, StandardCharsets.UTF_8);
    }
    // Standard input belongs to the process: read it line by line, as it comes, and leave it open.
    InputStream in =
        new FilterInputStream(System.in) {
          @Override
          public void close() {}
        };
    return new BufferedReader(
        new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()), 1 << 16);
  }

  /** The message of one line; errors name the file and line, never the content. */
  private static String messageOf(String path, int number, String line) throws InputException {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
      throw new InputException(
          path + ":" + number + (column > 0 ? ":" + column : "") + ": malformed JSON");
    }
    JsonNode text = node == null ? null : node.get("message");
    if (text == null || !text.isTextual()) {
      throw new InputException(
          path + ":" + number + ": expected a JSON object with a string field \"message\"");
    }
    return text.asText();
  }

  private static String render(String message, Format format) {
    Classification c = PullErrorClassifier.classify(message);
    if (format == Format.TEXT) {
      String see = c.rules().isEmpty() ? "" : " See " + String.join(", ", c.rules()) + ".";
      return c.cause().word() + ": " + c.explanation() + see;
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("message", message);
    node.put("cause", c.cause().word());
    node.put("explanation", c.explanation());
    c.alternatives().stream().map(PullErrorCause::word).forEach(node.putArray("alternatives")::add);
    node.put("rule", c.rule());
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serialises", e);
    }
  }
}
