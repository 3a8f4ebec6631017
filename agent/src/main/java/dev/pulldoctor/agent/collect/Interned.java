package dev.pulldoctor.agent.collect;

import org.jspecify.annotations.Nullable;

/**
 * One instance per distinct string, for the values a cache keeps that repeat across thousands of
 * objects (namespaces, label keys and values, images, reasons): the JVM's string table holds them
 * weakly, so a value no object keeps any more is collected.
 */
final class Interned {
  private Interned() {}

  static @Nullable String text(@Nullable String value) {
    return value == null ? null : value.intern();
  }
}
