package dev.pulldoctor.agent.collect;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashMap;
import java.util.Map;

/**
 * A node factory that gives equal text values one shared string. A dump of 20,000 job pods repeats
 * the same images, commands, environment variables and labels in every pod; the objects converted
 * from the trees keep the trees' strings, so sharing them here divides the heap the pods take.
 * Strings unique to one object (names, uids, times) are kept too, which costs a map entry each;
 * past {@link #MAX_ENTRIES} new strings are no longer shared.
 */
final class SharedStrings extends JsonNodeFactory {
  private static final long serialVersionUID = 1L;
  private static final int MAX_ENTRIES = 1 << 20;

  private final Map<String, String> strings = new HashMap<>();

  SharedStrings() {
    // Decimals exactly as written, as the default factory of an ObjectMapper reads them.
    super(false);
  }

  /** Forgets the strings seen so far (the nodes and objects made keep theirs). */
  void clear() {
    strings.clear();
  }

  @Override
  public TextNode textNode(String text) {
    String shared = strings.get(text);
    if (shared == null) {
      shared = text;
      if (strings.size() < MAX_ENTRIES) {
        strings.put(text, text);
      }
    }
    return super.textNode(shared);
  }
}
