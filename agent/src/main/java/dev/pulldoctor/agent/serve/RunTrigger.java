package dev.pulldoctor.agent.serve;

import java.util.Locale;

/** Why the daemon ran a diagnosis: a closed set, used as a metric label. */
public enum RunTrigger {
  /** The first run after start. */
  START,
  /** The periodic run, every {@code --interval}. */
  SCHEDULE,
  /** A watched object changed. */
  CHANGE,
  /** The run after a failed one, sooner than the interval. */
  RETRY,
  /** {@code POST /api/v1/run}. */
  API;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
