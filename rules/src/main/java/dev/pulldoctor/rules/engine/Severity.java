package dev.pulldoctor.rules.engine;

import java.util.Locale;

/** How bad it is when a rule fails: a critical failure stops connector pods from pulling. */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
