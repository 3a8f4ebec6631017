package dev.pulldoctor.rules.pullsecret;

import java.util.ArrayList;
import java.util.List;

/** Placeholder until the keyring port lands: exact-prefix matching only. */
public final class KubeletKeyring {
  public record Entry(String secretName, String registryKey) {}

  public record Match(
      String secretName, String registryKey, String indexKey, boolean dockerHubFallback) {}

  public enum MissReason {
    PORT,
    PATH_PREFIX,
    LABEL_COUNT,
    DOCKER_HUB_ALIAS,
    INVALID_KEY
  }

  public record NearMiss(
      String secretName, String registryKey, MissReason reason, String explanation) {}

  private final List<Entry> entries;

  private KubeletKeyring(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static KubeletKeyring of(List<Entry> entries) {
    return new KubeletKeyring(entries);
  }

  public List<Match> lookup(String image) {
    List<Match> matches = new ArrayList<>();
    for (Entry entry : entries) {
      String key = entry.registryKey().replaceFirst("^[a-z]+://", "").replaceFirst("/v[12]/?$", "");
      if (image.startsWith(key)) {
        matches.add(new Match(entry.secretName(), entry.registryKey(), key, false));
      }
    }
    return matches;
  }

  public List<NearMiss> nearMisses(String image) {
    return List.of();
  }
}
