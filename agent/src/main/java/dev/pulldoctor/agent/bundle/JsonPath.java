package dev.pulldoctor.agent.bundle;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A position in a JSON tree, built while walking it and spelled out only when needed, e.g. {@code
 * $.items[0].data['ca.crt']}.
 */
final class JsonPath {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final JsonPath ROOT = new JsonPath(null, "$");

  private final @Nullable JsonPath parent;
  private final String segment;

  private JsonPath(@Nullable JsonPath parent, String segment) {
    this.parent = parent;
    this.segment = segment;
  }

  JsonPath field(String name) {
    if (PLAIN.matcher(name).matches()) {
      return new JsonPath(this, "." + name);
    }
    return new JsonPath(this, "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']");
  }

  JsonPath index(int index) {
    return new JsonPath(this, "[" + index + "]");
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    append(out);
    return out.toString();
  }

  private void append(StringBuilder out) {
    if (parent != null) {
      parent.append(out);
    }
    out.append(segment);
  }
}
