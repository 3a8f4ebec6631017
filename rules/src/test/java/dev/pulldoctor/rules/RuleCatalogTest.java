package dev.pulldoctor.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.model.ResourceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleCatalogTest {
  private static final Path DOCS = Path.of("../docs/rules.md");

  @Test
  void rules_are_sorted_by_id_and_unique() {
    List<String> ids = Rules.ids();
    assertThat(ids).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void every_rule_has_pass_and_fail_fixtures() throws IOException {
    List<String> files =
        RuleFixtureTest.fixtureFiles()
            .map(p -> p.getParent().getFileName() + "/" + p.getFileName())
            .toList();
    for (String id : Rules.ids()) {
      assertThat(files).as("pass fixture of " + id).anyMatch(f -> f.startsWith(id + "/pass."));
      // A rule that reports on pulldoctor's own access (airbyte.api) never fails, only errors.
      assertThat(files)
          .as("fail (or error) fixture of " + id)
          .anyMatch(f -> f.startsWith(id + "/fail.") || f.startsWith(id + "/error."));
    }
  }

  /**
   * The engine checks declared kinds only where {@code readScope} says they are read: a declaration
   * without one, or one without a declaration, would silently check nothing.
   */
  @Test
  void declared_kinds_come_with_a_read_scope_and_a_forbidden_fixture() throws Exception {
    for (Rule rule : Rules.all()) {
      RuleInfo info = rule.info();
      boolean scoped =
          rule.getClass().getMethod("readScope", Diagnosis.class).getDeclaringClass() != Rule.class;
      assertThat(scoped).as("readScope of " + info.id()).isEqualTo(!info.reads().isEmpty());
      List<String> headers = new ArrayList<>();
      for (Path file : RuleFixtureTest.fixtureFiles().toList()) {
        if (file.getParent().getFileName().toString().equals(info.id())) {
          headers.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
      }
      for (ResourceKind kind : info.reads()) {
        assertThat(headers)
            .as("a fixture of " + info.id() + " with '# forbidden: " + kind.resource() + "'")
            .contains("# forbidden: " + kind.resource());
      }
    }
  }

  @Test
  void every_rule_has_complete_metadata() {
    for (Rule rule : Rules.all()) {
      RuleInfo info = rule.info();
      assertThat(info.explanation()).as(info.id()).hasSizeGreaterThan(80);
      assertThat(info.remediation()).as(info.id()).isNotBlank();
      assertThat(info.references()).as(info.id()).isNotEmpty();
      assertThat(rule.getClass().getModifiers() & java.lang.reflect.Modifier.FINAL).isNotZero();
    }
  }

  /** docs/rules.md is generated; regenerate with -Dpulldoctor.updateDocs=true. */
  @Test
  void docs_rules_md_is_up_to_date() throws IOException {
    String expected = RuleCatalog.markdown(Rules.all());
    if (Boolean.getBoolean("pulldoctor.updateDocs")) {
      Files.writeString(DOCS, expected, StandardCharsets.UTF_8);
    }
    assertThat(DOCS).exists();
    assertThat(Files.readString(DOCS, StandardCharsets.UTF_8))
        .as(
            "docs/rules.md is stale: run mvn -pl rules test -Dtest=RuleCatalogTest"
                + " -Dpulldoctor.updateDocs=true")
        .isEqualTo(expected);
  }
}
