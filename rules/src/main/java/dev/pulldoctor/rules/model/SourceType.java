package dev.pulldoctor.rules.model;

import java.util.Locale;

/** Where a snapshot came from. */
public enum SourceType {
  CLUSTER,
  MANIFESTS,
  BUNDLE;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
