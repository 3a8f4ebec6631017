package dev.pulldoctor.rules.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RbacFixTest {
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
    assertThat(RbacFix.scalar(name)).isEqualTo(yaml);
  }

  @Test
  void control_characters_are_escaped_so_a_name_cannot_end_the_heredoc() {
    assertThat(RbacFix.quoted("a\nEOF")).isEqualTo("\"a\\nEOF\"");
    assertThat(RbacFix.quoted("tab\there")).isEqualTo("\"tab\\there\"");
    assertThat(RbacFix.quoted("bell\u0007")).isEqualTo("\"bell\\x07\"");
  }
}
