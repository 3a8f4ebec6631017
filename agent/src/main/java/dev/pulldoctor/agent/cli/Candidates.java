package dev.pulldoctor.agent.cli;

import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The words shell completion offers for an option or parameter. Picocli makes each with no
 * arguments, so every list is a small subclass naming its words; they are listed only when asked
 * for, so that no command loads, e.g., the rules just to build its help.
 */
abstract class Candidates implements Iterable<String> {
  private final Supplier<List<String>> words;

  Candidates(Supplier<List<String>> words) {
    this.words = words;
  }

  @Override
  public final Iterator<String> iterator() {
    return words.get().iterator();
  }
}
