package dev.pulldoctor.rules.airbyte;

/**
 * Which line of Helm charts rendered the install. The two generations spell their values keys
 * differently, and each silently ignores the other's keys ({@link ChartFacts} has them by version).
 */
public enum ChartGeneration {
  /** {@code airbytehq/helm-charts}, chart versions below 2. */
  V1,
  /**
   * {@code airbytehq/charts} (source {@code charts/v2/airbyte} in airbyte-platform), 2 and later.
   */
  V2,
  UNKNOWN
}
