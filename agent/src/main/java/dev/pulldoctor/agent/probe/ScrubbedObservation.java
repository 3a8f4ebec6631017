package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.Certificate;
import dev.pulldoctor.rules.model.RegistryObservation.Connection;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import dev.pulldoctor.rules.model.RegistryObservation.Platform;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Removes the secrets a probe sent from every text of its observation. A registry holds the
 * credentials it checks and may echo them anywhere it writes (error bodies, media types, digests,
 * platforms, challenges, certificate names); whoever reads a report or the metrics must not learn
 * them. Error messages are also {@link ProbeText#scrub scrubbed} where they are read; this is the
 * net under every other field.
 */
final class ScrubbedObservation {
  private static final String REDACTED = "[REDACTED]";

  private ScrubbedObservation() {}

  static RegistryObservation of(RegistryObservation seen, List<String> secrets) {
    if (secrets.stream().noneMatch(ScrubbedObservation::scrubbed)) {
      return seen;
    }
    Scrubber s = new Scrubber(secrets);
    Connection c = seen.connection();
    Access a = seen.access();
    Manifest m = seen.manifest();
    return new RegistryObservation(
        seen.image(),
        seen.registry(),
        new Connection(
            c.outcome(),
            c.stage(),
            c.cause(),
            s.text(c.detail()),
            c.timings(),
            c.certificate() == null ? null : s.certificate(c.certificate()),
            c.scheme(),
            s.nullable(c.challenge()),
            c.address()),
        new Access(
            a.outcome(),
            a.secret(),
            a.registryKey(),
            a.username(),
            a.httpStatus(),
            s.nullable(a.errorCode()),
            s.nullable(a.errorMessage()),
            s.text(a.detail())),
        new Manifest(
            m.outcome(),
            m.httpStatus(),
            s.nullable(m.errorCode()),
            s.nullable(m.errorMessage()),
            s.nullable(m.mediaType()),
            s.nullable(m.digest()),
            m.index(),
            m.platforms().stream().map(s::platform).toList(),
            s.text(m.detail())),
        seen.activePull());
  }

  /** As {@link ProbeText#scrub}: shorter strings would redact ordinary words. */
  private static boolean scrubbed(String secret) {
    return secret.length() >= 3;
  }

  private record Scrubber(List<String> secrets) {
    String text(String text) {
      String out = text;
      for (String secret : secrets) {
        if (scrubbed(secret)) {
          out = out.replace(secret, REDACTED);
        }
      }
      return out;
    }

    @Nullable String nullable(@Nullable String text) {
      return text == null ? null : text(text);
    }

    Platform platform(Platform p) {
      return new Platform(text(p.os()), text(p.architecture()), nullable(p.variant()));
    }

    Certificate certificate(Certificate c) {
      return new Certificate(
          text(c.subject()),
          text(c.issuer()),
          c.notBefore(),
          c.notAfter(),
          c.names().stream().map(this::text).toList());
    }
  }
}
