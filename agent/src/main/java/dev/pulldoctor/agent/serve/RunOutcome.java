package dev.pulldoctor.agent.serve;

import java.util.Locale;

/** How a daemon run ended: a closed set, used as a metric label. */
public enum RunOutcome {
  /** A new report was published (it may still hold failing or errored results). */
  SUCCESS,
  /**
   * The Kubernetes API could not be read (unreachable, credentials rejected, or server errors): the
   * previous report stays and is marked stale.
   */
  ERROR;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
