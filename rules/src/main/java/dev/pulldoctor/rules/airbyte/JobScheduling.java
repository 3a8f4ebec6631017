package dev.pulldoctor.rules.airbyte;

import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where Airbyte schedules a custom connector's job pods (airbyte-domain.md §1.4): {@code
 * JOB_KUBE_NODE_SELECTORS} ({@code k1=v1,k2=v2}), replaced by {@code
 * JOB_ISOLATED_KUBE_NODE_SELECTORS} for custom connectors when {@code USE_CUSTOM_NODE_SELECTOR} is
 * true, and {@code JOB_KUBE_TOLERATIONS} ({@code ;}-separated {@code
 * key=…,operator=…,effect=…[,value=…]}; one missing key, operator or effect is dropped, as
 * Airbyte's {@code TolerationPOJO} does).
 *
 * @param selectorText the selector value in force, empty when none
 */
public record JobScheduling(
    String selectorText, Map<String, String> nodeSelector, List<Toleration> tolerations) {

  public static final String NODE_SELECTORS = "JOB_KUBE_NODE_SELECTORS";
  public static final String ISOLATED_NODE_SELECTORS = "JOB_ISOLATED_KUBE_NODE_SELECTORS";
  public static final String USE_CUSTOM_NODE_SELECTOR = "USE_CUSTOM_NODE_SELECTOR";
  public static final String TOLERATIONS = "JOB_KUBE_TOLERATIONS";
  private static final Pattern COMMA = Pattern.compile(",");
  private static final Pattern SEMICOLON = Pattern.compile(";");

  public JobScheduling {
    Objects.requireNonNull(selectorText, "selectorText");
    nodeSelector = Map.copyOf(nodeSelector);
    tolerations = List.copyOf(tolerations);
  }

  /** The scheduling of a custom connector's job pods under {@code install}. */
  public static JobScheduling of(AirbyteInstall install) {
    String selector = install.launcherEnv(NODE_SELECTORS).value();
    String isolated = install.launcherEnv(ISOLATED_NODE_SELECTORS).value();
    String useCustom = install.launcherEnv(USE_CUSTOM_NODE_SELECTOR).value();
    if ("true".equalsIgnoreCase(Objects.requireNonNullElse(useCustom, "").strip())
        && isolated != null
        && !isolated.isBlank()) {
      selector = isolated;
    }
    String text = selector == null ? "" : selector.strip();
    Map<String, String> wanted = new LinkedHashMap<>();
    for (String pair : COMMA.split(text, -1)) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        wanted.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return new JobScheduling(
        wanted.isEmpty() ? "" : text,
        wanted,
        parseTolerations(install.launcherEnv(TOLERATIONS).value()));
  }

  /** The variable whose selector is in force for custom connectors under {@code install}. */
  public static String selectorVariable(AirbyteInstall install) {
    String isolated = install.launcherEnv(ISOLATED_NODE_SELECTORS).value();
    String useCustom = install.launcherEnv(USE_CUSTOM_NODE_SELECTOR).value();
    return "true".equalsIgnoreCase(Objects.requireNonNullElse(useCustom, "").strip())
            && isolated != null
            && !isolated.isBlank()
        ? ISOLATED_NODE_SELECTORS
        : NODE_SELECTORS;
  }

  /** Parses {@code JOB_KUBE_TOLERATIONS} as Airbyte does, dropping incomplete entries. */
  static List<Toleration> parseTolerations(@Nullable String value) {
    List<Toleration> out = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return out;
    }
    for (String entry : SEMICOLON.split(value, -1)) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (String pair : COMMA.split(entry, -1)) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          fields.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
      }
      if (fields.containsKey("key")
          && fields.containsKey("operator")
          && fields.containsKey("effect")) {
        Toleration toleration = new Toleration();
        toleration.setKey(fields.get("key"));
        toleration.setOperator(fields.get("operator"));
        toleration.setEffect(fields.get("effect"));
        toleration.setValue(fields.get("value"));
        out.add(toleration);
      }
    }
    return out;
  }
}
