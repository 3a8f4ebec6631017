package dev.pulldoctor.agent.cli;

import java.util.List;
import java.util.Locale;

/** {@code --log-level}: what goes to stderr besides the report. */
enum LogLevel {
  ERROR,
  WARN,
  INFO,
  DEBUG,
  TRACE;

  private static final String PREFIX = "org.slf4j.simpleLogger.";

  /**
   * Configures slf4j-simple; must run before the first logger is created. fabric8's HTTP logger is
   * pinned to INFO whatever the level: at TRACE it logs response bodies, Secret lists included.
   */
  void apply() {
    setIfAbsent("defaultLogLevel", name().toLowerCase(Locale.ROOT));
    setIfAbsent("logFile", "System.err");
    setIfAbsent("showThreadName", "false");
    setIfAbsent("showShortLogName", "true");
    setIfAbsent("levelInBrackets", "true");
    System.setProperty(PREFIX + "log.io.fabric8.kubernetes.client.http", "info");
    System.setProperty(
        PREFIX + "log.io.fabric8.kubernetes.client.http.HttpLoggingInterceptor", "info");
  }

  /** The levels as users type them, for shell completion. */
  static final class Names extends Candidates {
    Names() {
      super(() -> List.of(values()).stream().map(l -> l.name().toLowerCase(Locale.ROOT)).toList());
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
