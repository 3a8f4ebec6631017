package dev.pulldoctor.rules.fix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Names from the cluster and values from the user reach commands quoted for their reader. */
class CommandsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "airbyte-admin | airbyte-admin",
        "airbyte.v2 | airbyte.v2",
        "Airbyte Admin | \"Airbyte Admin\"",
        "1234 | \"1234\"",
        "null | \"null\"",
        "yes | \"yes\"",
        "a\"b\\c | \"a\\\"b\\\\c\"",
        "name: x | \"name: x\"",
      })
  void names_from_the_cluster_are_quoted_unless_yaml_reads_them_back_unchanged(
      String name, String yaml) {
    assertThat(Commands.scalar(name)).isEqualTo(yaml);
  }

  @Test
  void control_characters_are_escaped_so_a_name_cannot_end_the_heredoc() {
    assertThat(Commands.quoted("a\nEOF")).isEqualTo("\"a\\nEOF\"");
    assertThat(Commands.quoted("tab\there")).isEqualTo("\"tab\\there\"");
    assertThat(Commands.quoted("bell\u0007")).isEqualTo("\"bell\\x07\"");
  }

  @Test
  void helm_values_escape_commas_and_backslashes_and_shell_quotes_the_assignment() {
    Step.SetHelmValues step =
        new Step.SetHelmValues(
            "prod",
            "airbyte",
            "airbyte/airbyte",
            java.util.Map.of("global.jobs.kube.main_container_image_pull_secret", "a,b\\c"),
            false,
            null);

    assertThat(Commands.render(step))
        .isEqualTo(
            "helm upgrade prod airbyte/airbyte -n airbyte --reuse-values --set-string"
                + " 'global.jobs.kube.main_container_image_pull_secret=a\\,b\\\\c'");
  }

  @Test
  void abctl_values_are_nested_yaml_with_quoted_scalars() {
    java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
    values.put("global.serviceAccountName", "yes");
    values.put("global.jobs.kube.namespace", "jobs");
    values.put("serviceAccount.name", "airbyte-admin");

    assertThat(Commands.valuesYaml(values))
        .isEqualTo(
            """
            global:
              serviceAccountName: "yes"
              jobs:
                kube:
                  namespace: jobs
            serviceAccount:
              name: airbyte-admin
            """);
  }
}
