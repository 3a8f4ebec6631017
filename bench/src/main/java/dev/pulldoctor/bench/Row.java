package dev.pulldoctor.bench;

/**
 * One line of the results table.
 *
 * @param section which part of the harness measured it
 * @param what what was measured
 * @param value the median and range, or a count
 * @param target the target, or empty
 * @param verdict how far from the target, or empty
 */
record Row(String section, String what, String value, String target, String verdict) {
  static Row of(String section, String what, String value) {
    return new Row(section, what, value, "", "");
  }
}
