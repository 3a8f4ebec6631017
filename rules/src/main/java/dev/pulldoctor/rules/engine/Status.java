package dev.pulldoctor.rules.engine;

import java.util.Locale;

/** Outcome of one check on one subject; ordered from least to most alarming. */
public enum Status {
  PASS,
  SKIP,
  WARN,
  ERROR,
  FAIL;

  /** The lower-case word used in reports and on the command line. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isAtLeast(Status other) {
    return compareTo(other) >= 0;
  }
}
