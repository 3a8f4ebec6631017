package dev.pulldoctor.deploy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * values.schema.json turns mistakes into errors at install time instead of a chart that renders
 * something else: wrong types, unknown keys (typos) at any depth, unknown choices.
 */
class ChartSchemaTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          'offline: "yes"'                          | at '/offline': got string, want boolean
          'replicas: 2'                             | additional properties 'replicas' not allowed
          'rbac: {secrets: {mod: names}}'           | additional properties 'mod' not allowed
          'rbac: {secrets: {mode: some}}'           | at '/rbac/secrets/mode'
          'rbac: {secrets: {mode: names}}'          | at '/rbac/secrets/names': minItems
          'interval: 5 minutes'                     | at '/interval'
          'images: registry.example.com/a:1'        | at '/images': got string, want array
          'service: {port: 80000}'                  | at '/service/port'
          'serviceMonitor: {enabled: true, lables: {}}' | additional properties 'lables' not allowed
          'prometheusRule: {runbookBaseUrl: docs/}'  | at '/prometheusRule/runbookBaseUrl'
          'prometheusRule: {runbookBaseUrl: ""}'    | at '/prometheusRule/runbookBaseUrl'
          'prometheusRule: {runbookBaseUrl: "https://docs.example.com/pulldoctor"}' | at '/prometheusRule/runbookBaseUrl'
          """)
  void bad_values_are_refused_with_the_offending_key(
      String values, String expected, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad-values.yaml");
    Files.writeString(file, values + "\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Chart.template(file, Map.of()))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          networkPolicy.egress.registries.cidrs[0] | 169.254.0.0/16 | is link-local
          networkPolicy.egress.registries.cidrs[0] | 169.254.169.254/32 | is link-local
          """)
  void a_network_policy_towards_the_metadata_range_is_refused(
      String key, String value, String expected) {
    assertThatThrownBy(
            () -> Chart.template(null, Map.of("networkPolicy.enabled", "true", key, value)))
        .hasMessageContaining(expected);
  }
}
