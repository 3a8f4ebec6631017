package dev.pulldoctor.agent.bundle;

/**
 * How much of a bundle pulldoctor agrees to read. A bundle is untrusted input: these caps keep a
 * zip bomb or an archive of a million entries from exhausting memory.
 *
 * @param maxEntries archive entries, directories included
 * @param maxFileBytes uncompressed bytes of one file
 * @param maxTotalBytes uncompressed bytes of all files
 * @param maxItems objects in one file
 * @param maxTokens JSON/YAML tokens (names, values, brackets) in the whole bundle
 */
public record BundleLimits(
    int maxEntries, long maxFileBytes, long maxTotalBytes, int maxItems, long maxTokens) {

  /**
   * Room for twice the benchmark's bundle (2,000 job pods and 10,000 events: 33.6 MB of YAML and
   * JSON, 2.1 million values, 270,000 objects and lists), and little more. With the per-object and
   * per-bundle counts of {@link TreeReader}, a bundle within these caps is read in a 256 MiB heap:
   * the bytes of its files (64 MiB at most, each freed once parsed) and the objects made of at most
   * 5 million values are all it holds.
   */
  public static final BundleLimits DEFAULT =
      new BundleLimits(256, 64L << 20, 64L << 20, 200_000, 5_000_000);
}
