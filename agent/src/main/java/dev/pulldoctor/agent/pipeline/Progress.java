package dev.pulldoctor.agent.pipeline;

/** What a pipeline tells while it runs: a terminal's progress lines, a daemon's log. */
public interface Progress {
  /** Tells nothing. */
  Progress SILENT = message -> {};

  /** What is being done now, e.g. which registries are probed. */
  void doing(String message);

  /** The active pull test was asked for, but this source cannot run it (not a live cluster). */
  default void activePullSkipped(Source source) {}
}
