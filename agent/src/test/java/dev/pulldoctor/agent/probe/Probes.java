package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring;
import dev.pulldoctor.rules.pullsecret.Login;
import dev.pulldoctor.rules.registry.ProbeTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Builds probe targets and runs a prober for tests. */
final class Probes {
  private Probes() {}

  /** A target for {@code image} whose kubelet credentials are {@code user}/{@code password}. */
  static ProbeTarget target(String image, @Nullable String user) throws Exception {
    ImageReference reference = ImageReference.parse(image);
    List<KubeletKeyring.Match> matches = new ArrayList<>();
    if (user != null) {
      matches.add(
          new KubeletKeyring.Match("regcred", reference.domain(), reference.domain(), false));
    }
    return new ProbeTarget(
        new TargetImage(image, image, TargetImage.Origin.FLAG, List.of()),
        reference,
        "airbyte",
        List.of("regcred"),
        matches);
  }

  static SecretSource secrets(@Nullable String user, @Nullable String password) {
    return (namespace, secretName, registryKey) ->
        user == null || password == null
            ? Optional.empty()
            : Optional.of(new Login(secretName, registryKey, user, password));
  }

  static RegistryObservation probe(
      ProbePolicy policy,
      Resolver resolver,
      Connector connector,
      TlsSupport tls,
      String image,
      @Nullable String user,
      @Nullable String password)
      throws Exception {
    RegistryProber prober =
        new RegistryProber(
            policy, resolver, connector, tls, Proxies.none(), secrets(user, password), "test");
    return prober.probe(List.of(target(image, user))).get(0);
  }
}
