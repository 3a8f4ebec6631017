package dev.pulldoctor.agent.bundle;

/**
 * How much of a bundle pulldoctor agrees to read. A bundle is untrusted input: these caps keep a
 * zip bomb or an archive of a million entries from exhausting memory.
 *
 * @param maxEntries archive entries, directories included
 * @param maxFileBytes uncompressed bytes of one file
 * @param maxTotalBytes uncompressed bytes of all files
 * @param maxItems objects in one file
 * @param maxTokens JSON/YAML tokens (names, values, brackets) in one file
 */
public record BundleLimits(
    int maxEntries, long maxFileBytes, long maxTotalBytes, int maxItems, long maxTokens) {

  /**
   * Room for about 12,000 job pods (10 KB and 700 tokens of YAML each) and 100,000 events (1.2 KB
   * each), six times the 2,000 job pods and 10,000 events of the benchmark, and little more: at
   * these caps a hostile bundle can still make the reader hold a few hundred MB.
   */
  public static final BundleLimits DEFAULT =
      new BundleLimits(256, 128L << 20, 256L << 20, 200_000, 10_000_000);
}
