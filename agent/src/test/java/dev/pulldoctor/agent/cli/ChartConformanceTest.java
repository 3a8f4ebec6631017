package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * pulldoctor's verdicts on renders of Airbyte's published Helm charts match what upstream (the
 * chart templates, Airbyte's launcher, abctl, the kubelet) does in each case. Every directory under
 * {@code src/test/resources/conformance/charts} with an {@code expect.yaml} is a case; the README
 * there says where the files come from and what each expectation means.
 */
class ChartConformanceTest {
  private static final Path ROOT = Path.of("src", "test", "resources", "conformance", "charts");
  private static final String NOW = "2026-12-01T12:00:00Z";
  private static final Set<String> NOT_MANIFESTS = Set.of("values.yaml", "expect.yaml");
  private static final List<String> STATUS_ORDER = List.of("skip", "pass", "warn", "fail", "error");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  /** The values matrix every chart has. */
  private static final List<String> MATRIX =
      List.of(
          "no-pull-secret",
          "documented-pull-secret",
          "global-image-pull-secrets",
          "seed-worker-env",
          "jobs-namespace",
          "custom-job-service-account");

  /** Cases only some charts have, by chart version. */
  private static final Map<String, List<String>> EXTRA_CASES =
      Map.of(
          "1.3.2", List.of("role-without-patch"),
          "1.8.5", List.of("role-without-patch", "release-prod", "wrong-spelling", "abctl"),
          "2.2.0", List.of("role-without-patch", "wrong-spelling", "abctl"));

  /** One chart of each line: 0.50.x (worker launches), 0.399/0.63, 1.x and 2.x. */
  private static final List<String> CHART_LINES = List.of("0.50.", "0.399.", "1.", "2.");

  private static final List<String> REQUIRED_CHARTS =
      List.of("0.50.50", "0.399.0", "1.3.2", "1.8.5", "2.2.0");

  static Stream<Named<Path>> cases() throws IOException {
    try (Stream<Path> walk = Files.walk(ROOT)) {
      return walk
          .filter(p -> p.getFileName().toString().equals("expect.yaml"))
          .map(Path::getParent)
          .sorted()
          .map(dir -> Named.of(caseName(dir), dir))
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void diagnosis_matches_upstream(Path dir) throws Exception {
    JsonNode expect = YAML.readTree(dir.resolve("expect.yaml").toFile());
    List<String> args = new ArrayList<>(List.of("diagnose"));
    for (Path manifest : manifests(dir)) {
      args.add("--manifests");
      args.add(manifest.toString());
    }
    args.addAll(List.of("--offline", "-o", "json", "--now", NOW));
    CliRun run = CliRun.of(args.toArray(String[]::new));

    List<String> problems = new ArrayList<>();
    JsonNode report;
    try {
      report = JSON.readTree(run.out());
    } catch (IOException e) {
      fail(
          "case %s: no JSON report (exit %d)%nstderr:%n%s%nstdout:%n%s",
          caseName(dir), run.exitCode(), run.err(), run.out());
      return;
    }
    // The published contract holds on every render, not only on the examples.
    ReportSchema.errors(report).forEach(error -> problems.add("report schema: " + error));
    Map<String, List<JsonNode>> byRule = resultsByRule(report);
    Set<String> relevant = new TreeSet<>();

    int exitCode = expect.path("exitCode").asInt();
    if (run.exitCode() != exitCode) {
      problems.add("exit code " + run.exitCode() + ", upstream expects " + exitCode);
    }
    checkAirbyte(expect.path("airbyte"), report.path("airbyte"), problems);
    checkVariable(expect.path("variable"), byRule, problems, relevant);
    checkStatuses(expect.path("results"), byRule, problems, relevant);
    checkMessages(expect.path("messages"), byRule, problems, relevant);
    String output = run.out() + run.err();
    for (JsonNode absent : expect.path("absent")) {
      if (output.contains(absent.asText())) {
        problems.add("the output contains '" + absent.asText() + "', which must appear nowhere");
      }
    }
    for (JsonNode pattern : expect.path("absentPatterns")) {
      var matcher = Pattern.compile(pattern.asText()).matcher(output);
      if (matcher.find()) {
        int from = Math.max(0, matcher.start() - 80);
        int to = Math.min(output.length(), matcher.end() + 40);
        problems.add(
            "the output matches /"
                + pattern.asText()
                + "/, which must not match: …"
                + output.substring(from, to).replace('\n', ' ')
                + "…");
      }
    }

    if (!problems.isEmpty()) {
      fail(describe(dir, expect, report, byRule, relevant, problems, run));
    }
  }

  @Test
  void every_chart_line_and_matrix_case_is_present() throws IOException {
    Set<String> charts = new TreeSet<>();
    try (Stream<Path> list = Files.list(ROOT)) {
      list.filter(Files::isDirectory).forEach(p -> charts.add(p.getFileName().toString()));
    }
    for (String line : CHART_LINES) {
      assertThat(charts).as("a chart of the %sx line", line).anyMatch(c -> c.startsWith(line));
    }
    assertThat(charts).containsAll(REQUIRED_CHARTS);
    for (String chart : charts) {
      List<String> wanted = new ArrayList<>(MATRIX);
      wanted.addAll(EXTRA_CASES.getOrDefault(chart, List.of()));
      for (String name : wanted) {
        Path dir = ROOT.resolve(chart).resolve(name);
        assertThat(dir.resolve("expect.yaml")).as("case %s/%s", chart, name).isRegularFile();
        assertThat(dir.resolve("render.yaml")).as("case %s/%s", chart, name).isRegularFile();
        assertThat(dir.resolve("cluster.yaml")).as("case %s/%s", chart, name).isRegularFile();
      }
    }
    List<Path> dirs = cases().map(Named::getPayload).toList();
    assertThat(dirs).hasSizeGreaterThanOrEqualTo(charts.size() * MATRIX.size() + 8);
    for (Path dir : dirs) {
      String render = Files.readString(dir.resolve("render.yaml"), StandardCharsets.UTF_8);
      assertThat(render)
          .as("header of %s/render.yaml", caseName(dir))
          .contains("# Chart: https://github.com/airbytehq/")
          .contains("# License: ")
          .contains("# Command: helm template ");
      JsonNode expect = YAML.readTree(dir.resolve("expect.yaml").toFile());
      assertThat(expect.path("why").asText()).as("why of %s", caseName(dir)).contains("https://");
      assertThat(expect.path("airbyte").path("chartVersion").asText())
          .as("chartVersion of %s", caseName(dir))
          .isEqualTo(dir.getParent().getFileName().toString());
    }
  }

  @Test
  void fixtures_cite_public_sources_and_hold_no_real_credentials() throws IOException {
    try (Stream<Path> walk = Files.walk(ROOT)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text)
            .as("%s cites no local path", ROOT.relativize(file))
            .doesNotContain("/work/");
        if (file.getFileName().toString().equals("cluster.yaml")) {
          for (JsonNode secret : objects(file, "Secret")) {
            String config =
                new String(
                    Base64.getDecoder()
                        .decode(secret.path("data").path(".dockerconfigjson").asText()),
                    StandardCharsets.UTF_8);
            assertThat(config)
                .as("pull secret in %s", ROOT.relativize(file))
                .contains("registry.example.com")
                .contains("not-a-real-password-");
          }
        }
      }
    }
  }

  @Test
  void release_records_decode_as_helm_writes_them() throws IOException {
    List<Path> records;
    try (Stream<Path> walk = Files.walk(ROOT)) {
      records = walk.filter(p -> p.getFileName().toString().equals("helm-release.yaml")).toList();
    }
    assertThat(records.stream().map(p -> caseName(p.getParent())))
        .contains("1.8.5/wrong-spelling", "2.2.0/wrong-spelling");
    for (Path file : records) {
      JsonNode secret = objects(file, "Secret").get(0);
      String release = secret.path("metadata").path("labels").path("name").asText();
      assertThat(secret.path("type").asText()).isEqualTo("helm.sh/release.v1");
      assertThat(secret.path("metadata").path("name").asText())
          .isEqualTo("sh.helm.release.v1." + release + ".v1");
      assertThat(secret.path("metadata").path("labels").path("owner").asText()).isEqualTo("helm");
      // kubectl shows data base64-encoded; Helm's own string is base64(gzip(JSON)).
      byte[] helmString = Base64.getDecoder().decode(secret.path("data").path("release").asText());
      byte[] gzip = Base64.getDecoder().decode(new String(helmString, StandardCharsets.US_ASCII));
      JsonNode rel;
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
        rel = JSON.readTree(in);
      }
      String chart = file.getParent().getParent().getFileName().toString();
      assertThat(rel.path("name").asText()).isEqualTo(release);
      assertThat(rel.path("namespace").asText())
          .isEqualTo(secret.path("metadata").path("namespace").asText());
      assertThat(rel.path("info").path("status").asText()).isEqualTo("deployed");
      assertThat(rel.path("chart").path("metadata").path("name").asText()).isEqualTo("airbyte");
      assertThat(rel.path("chart").path("metadata").path("version").asText()).isEqualTo(chart);
      assertThat(rel.path("version").asInt()).isEqualTo(1);
      assertThat(rel.path("config").isObject()).isTrue();
      assertThat(rel.path("manifest").asText()).contains("kind: Deployment");
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static void checkAirbyte(JsonNode expected, JsonNode actual, List<String> problems) {
    for (Map.Entry<String, JsonNode> field : expected.properties()) {
      JsonNode got = actual.path(field.getKey());
      if (!sameValue(field.getValue(), got)) {
        problems.add(
            "airbyte."
                + field.getKey()
                + " is "
                + (got.isMissingNode() ? "absent" : got.toString())
                + ", upstream expects "
                + field.getValue().toString());
      }
    }
  }

  /** Scalars compare as text (YAML may read 1.8.5 or '' differently from JSON), lists by item. */
  private static boolean sameValue(JsonNode expected, JsonNode actual) {
    if (expected.isNull()) {
      return actual.isNull() || actual.isMissingNode();
    }
    if (expected.isArray()) {
      if (!actual.isArray() || actual.size() != expected.size()) {
        return false;
      }
      for (int i = 0; i < expected.size(); i++) {
        if (!sameValue(expected.get(i), actual.get(i))) {
          return false;
        }
      }
      return true;
    }
    return actual.isValueNode() && !actual.isNull() && expected.asText().equals(actual.asText());
  }

  private static void checkVariable(
      JsonNode expected,
      Map<String, List<JsonNode>> byRule,
      List<String> problems,
      Set<String> relevant) {
    List<JsonNode> launcher = byRule.getOrDefault("launcher.pull-secret-env", List.of());
    JsonNode value =
        launcher.isEmpty()
            ? MissingNode.getInstance()
            : launcher.get(0).path("evidence").path("value");
    if (!sameValue(expected, value)) {
      relevant.add("launcher.pull-secret-env");
      problems.add(
          "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET (launcher.pull-secret-env evidence.value) is "
              + (value.isMissingNode() ? "unset" : value.toString())
              + ", upstream expects "
              + (expected.isNull() ? "unset" : expected.toString()));
    }
  }

  private static void checkStatuses(
      JsonNode expected,
      Map<String, List<JsonNode>> byRule,
      List<String> problems,
      Set<String> relevant) {
    for (Map.Entry<String, JsonNode> field : expected.properties()) {
      String rule = field.getKey();
      String want = field.getValue().asText();
      List<JsonNode> results = byRule.get(rule);
      if (results == null) {
        problems.add(rule + " gave no result, upstream expects " + want);
        continue;
      }
      String got = worst(results);
      if (!got.equals(want)) {
        relevant.add(rule);
        problems.add(rule + " is " + got + ", upstream expects " + want);
      }
    }
    for (Map.Entry<String, List<JsonNode>> entry : byRule.entrySet()) {
      if (expected.has(entry.getKey())) {
        continue;
      }
      String got = worst(entry.getValue());
      if (got.equals("fail") || got.equals("error")) {
        relevant.add(entry.getKey());
        problems.add(entry.getKey() + " is " + got + ", upstream expects no fail or error");
      }
    }
  }

  private static void checkMessages(
      JsonNode expected,
      Map<String, List<JsonNode>> byRule,
      List<String> problems,
      Set<String> relevant) {
    for (Map.Entry<String, JsonNode> field : expected.properties()) {
      String rule = field.getKey();
      StringBuilder text = new StringBuilder();
      for (JsonNode result : byRule.getOrDefault(rule, List.of())) {
        text.append(result.path("message").asText())
            .append('\n')
            .append(result.path("remediation").asText())
            .append('\n');
      }
      for (JsonNode wanted : field.getValue()) {
        if (!text.toString().contains(wanted.asText())) {
          relevant.add(rule);
          problems.add(rule + " does not say '" + wanted.asText() + "' (message or remediation)");
        }
      }
    }
  }

  private static String worst(List<JsonNode> results) {
    String worst = "skip";
    for (JsonNode result : results) {
      String status = result.path("status").asText();
      if (STATUS_ORDER.indexOf(status) > STATUS_ORDER.indexOf(worst)) {
        worst = status;
      }
    }
    return worst;
  }

  private static Map<String, List<JsonNode>> resultsByRule(JsonNode report) {
    Map<String, List<JsonNode>> byRule = new LinkedHashMap<>();
    for (JsonNode result : report.path("results")) {
      byRule.computeIfAbsent(result.path("rule").asText(), k -> new ArrayList<>()).add(result);
    }
    return byRule;
  }

  private static String describe(
      Path dir,
      JsonNode expect,
      JsonNode report,
      Map<String, List<JsonNode>> byRule,
      Set<String> relevant,
      List<String> problems,
      CliRun run) {
    StringBuilder out = new StringBuilder();
    out.append("case ")
        .append(caseName(dir))
        .append(": pulldoctor disagrees with upstream (")
        .append(dir)
        .append("/expect.yaml)\n");
    for (String problem : problems) {
      out.append("  - ").append(problem).append('\n');
    }
    out.append("report airbyte: ").append(report.path("airbyte")).append('\n');
    for (String rule : relevant) {
      for (JsonNode result : byRule.getOrDefault(rule, List.of())) {
        out.append("result ")
            .append(rule)
            .append(" [")
            .append(result.path("status").asText())
            .append("]: ")
            .append(result.path("message").asText())
            .append('\n');
        if (result.hasNonNull("remediation")) {
          out.append("    fix: ")
              .append(result.path("remediation").asText().replace("\n", "\n         "))
              .append('\n');
        }
        out.append("    evidence: ").append(result.path("evidence")).append('\n');
      }
    }
    out.append("upstream: ").append(expect.path("why").asText()).append('\n');
    if (!run.err().isBlank()) {
      out.append("stderr: ").append(run.err()).append('\n');
    }
    return out.toString();
  }

  /** Every Kubernetes file of a case: all YAML files except the Helm values and the expectation. */
  private static List<Path> manifests(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".yaml"))
          .filter(p -> !NOT_MANIFESTS.contains(p.getFileName().toString()))
          .sorted()
          .toList();
    }
  }

  private static List<JsonNode> objects(Path file, String kind) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      for (Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode doc = it.next();
        if (doc != null && kind.equals(doc.path("kind").asText())) {
          out.add(doc);
        }
      }
    }
    return out;
  }

  private static String caseName(Path dir) {
    return ROOT.relativize(dir).toString().replace('\\', '/');
  }
}
