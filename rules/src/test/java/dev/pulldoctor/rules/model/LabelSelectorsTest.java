package dev.pulldoctor.rules.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelSelectorsTest {
  private static final Map<String, String> CHECK_POD =
      Map.of("airbyte", "job-pod", "job_type", "check", "job_id", "42");

  @Test
  void empty_selector_selects_every_pod() {
    assertThat(LabelSelectors.matches(new LabelSelector(), CHECK_POD)).isTrue();
    assertThat(LabelSelectors.matches(new LabelSelector(), Map.of())).isTrue();
  }

  @Test
  void match_labels_must_all_be_present_with_equal_values() {
    LabelSelector selector =
        new LabelSelectorBuilder()
            .addToMatchLabels("airbyte", "job-pod")
            .addToMatchLabels("job_type", "check")
            .build();

    assertThat(LabelSelectors.matches(selector, CHECK_POD)).isTrue();
    assertThat(LabelSelectors.matches(selector, Map.of("airbyte", "job-pod"))).isFalse();
    assertThat(LabelSelectors.matches(selector, Map.of("airbyte", "job-pod", "job_type", "sync")))
        .isFalse();
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
    "job_type, In, check|spec, true",
    "job_type, In, sync, false",
    "team, In, data, false",
    "job_type, NotIn, sync, true",
    "job_type, NotIn, check, false",
    // NotIn selects pods without the key, as in Kubernetes
    "team, NotIn, data, true",
    "job_id, Exists, '', true",
    "team, Exists, '', false",
    "team, DoesNotExist, '', true",
    "airbyte, DoesNotExist, '', false",
    // the API server rejects unknown operators; such a selector selects nothing
    "airbyte, Equals, job-pod, false",
  })
  void match_expressions_follow_kubernetes(
      String key, String operator, String values, boolean selected) {
    LabelSelector selector =
        new LabelSelectorBuilder()
            .addNewMatchExpression()
            .withKey(key)
            .withOperator(operator)
            .withValues(values.isEmpty() ? List.of() : List.of(values.split("\\|", -1)))
            .endMatchExpression()
            .build();

    assertThat(LabelSelectors.matches(selector, CHECK_POD)).isEqualTo(selected);
  }

  @Test
  void labels_and_expressions_must_both_hold() {
    LabelSelector selector =
        new LabelSelectorBuilder()
            .addToMatchLabels("airbyte", "job-pod")
            .addNewMatchExpression()
            .withKey("job_type")
            .withOperator("NotIn")
            .withValues("check")
            .endMatchExpression()
            .build();

    assertThat(LabelSelectors.matches(selector, CHECK_POD)).isFalse();
  }
}
