package dev.pulldoctor.rules.checks;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes label-selector matching ({@code metav1.LabelSelectorAsSelector}): every {@code
 * matchLabels} pair and every {@code matchExpressions} requirement must hold; an empty selector
 * selects everything.
 */
final class LabelSelectors {
  private LabelSelectors() {}

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> required = selector.getMatchLabels();
    if (required != null
        && !required.entrySet().stream()
            .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
      return false;
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    return expressions == null || expressions.stream().allMatch(r -> holds(r, labels));
  }

  private static boolean holds(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String key = requirement.getKey();
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    boolean present = labels.containsKey(key);
    String operator = requirement.getOperator() == null ? "" : requirement.getOperator();
    return switch (operator) {
      case "In" -> present && values.contains(labels.get(key));
      // NotIn also selects objects without the key, as in Kubernetes.
      case "NotIn" -> !present || !values.contains(labels.get(key));
      case "Exists" -> present;
      case "DoesNotExist" -> !present;
      // The API server rejects other operators, so such a selector matches nothing.
      default -> false;
    };
  }
}
