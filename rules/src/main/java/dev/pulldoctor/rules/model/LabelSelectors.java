package dev.pulldoctor.rules.model;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Kubernetes label-selector matching ({@code metav1.LabelSelectorAsSelector}): every {@code
 * matchLabels} pair and every {@code matchExpressions} requirement must hold; an empty selector
 * selects everything. {@code NotIn} also selects objects without the key, as in Kubernetes.
 */
public final class LabelSelectors {
  private LabelSelectors() {}

  /** Whether {@code selector} selects an object with these labels (null means none). */
  public static boolean matches(LabelSelector selector, @Nullable Map<String, String> labels) {
    Map<String, String> actual = labels == null ? Map.of() : labels;
    Map<String, String> wanted = selector.getMatchLabels();
    if (wanted != null) {
      for (Map.Entry<String, String> e : wanted.entrySet()) {
        if (!Objects.equals(actual.get(e.getKey()), e.getValue())) {
          return false;
        }
      }
    }
    List<LabelSelectorRequirement> expressions = selector.getMatchExpressions();
    if (expressions != null) {
      for (LabelSelectorRequirement requirement : expressions) {
        if (!holds(requirement, actual)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(LabelSelectorRequirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.getKey());
    List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
    return switch (Objects.requireNonNullElse(requirement.getOperator(), "")) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      // The API server rejects other operators, so such a selector selects nothing.
      default -> false;
    };
  }
}
