package dev.pulldoctor.rules.model;

import dev.pulldoctor.rules.helm.HelmRelease;
import dev.pulldoctor.rules.helm.HelmReleaseDecoder;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Secrets as a collector keeps them: each reduced to its {@link SecretInfo}, and of each Helm
 * release's records only the newest deployed one (else the newest) decoded to its allow-listed
 * {@link HelmRelease}. The Secrets themselves, values and all, can be dropped at once.
 */
public record ReducedSecrets(List<SecretInfo> secrets, List<HelmRelease> helmReleases) {

  public ReducedSecrets {
    secrets = List.copyOf(secrets);
    helmReleases = List.copyOf(helmReleases);
  }

  public static ReducedSecrets of(List<Secret> secrets) {
    List<SecretInfo> infos = new ArrayList<>(secrets.size());
    Map<String, Secret> newest = new LinkedHashMap<>();
    Comparator<Secret> preference =
        Comparator.comparing((Secret s) -> "deployed".equals(label(s, "status")))
            .thenComparingInt(
                s -> HelmReleaseDecoder.revision(label(s, "version"), s.getMetadata().getName()));
    for (Secret secret : secrets) {
      infos.add(SecretInfo.from(secret));
      if (HelmReleaseDecoder.isReleaseRecord(secret)) {
        String release =
            Objects.requireNonNullElse(secret.getMetadata().getNamespace(), "")
                + "/"
                + Objects.requireNonNullElse(label(secret, "name"), "");
        newest.merge(release, secret, (a, b) -> preference.compare(a, b) >= 0 ? a : b);
      }
    }
    List<HelmRelease> releases = newest.values().stream().map(HelmReleaseDecoder::decode).toList();
    return new ReducedSecrets(infos, releases);
  }

  private static @Nullable String label(Secret secret, String key) {
    Map<String, String> labels = secret.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }
}
