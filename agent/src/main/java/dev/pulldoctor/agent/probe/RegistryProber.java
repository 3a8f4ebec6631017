package dev.pulldoctor.agent.probe;

import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.RegistryObservation.Access;
import dev.pulldoctor.rules.model.RegistryObservation.AccessOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Connection;
import dev.pulldoctor.rules.model.RegistryObservation.Manifest;
import dev.pulldoctor.rules.model.RegistryObservation.ManifestOutcome;
import dev.pulldoctor.rules.model.RegistryObservation.Outcome;
import dev.pulldoctor.rules.model.RegistryObservation.Stage;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring;
import dev.pulldoctor.rules.pullsecret.Login;
import dev.pulldoctor.rules.registry.ProbeTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the registries of the images under diagnosis: only those registries, several at once (at
 * most the policy's concurrency), each one's images in turn, one probe per (registry, credential,
 * manifest) per run. Credentials come from {@link SecretSource} at probe time and are dropped after
 * use.
 */
public final class RegistryProber {
  private static final Logger logger = LoggerFactory.getLogger(RegistryProber.class);

  private final RegistryHttpClient http;
  private final SecretSource secrets;

  /**
   * A prober.
   *
   * @param resolver name resolution (the system's, or a stub in tests)
   * @param connector opens TCP connections, after the policy's connect-time check
   * @param userAgent sent with every request
   */
  public RegistryProber(
      ProbePolicy policy,
      Resolver resolver,
      Connector connector,
      TlsSupport tls,
      Proxies proxies,
      SecretSource secrets,
      String userAgent) {
    this.http = new RegistryHttpClient(policy, resolver, connector, tls, proxies, userAgent);
    this.secrets = secrets;
  }

  /** One observation per target, in the targets' order. */
  public List<RegistryObservation> probe(List<ProbeTarget> targets) {
    Map<String, List<ProbeTarget>> byRegistry = new LinkedHashMap<>();
    for (ProbeTarget target : targets) {
      byRegistry
          .computeIfAbsent(target.registry().toLowerCase(Locale.ROOT), r -> new ArrayList<>())
          .add(target);
    }
    int threads = Math.min(http.policy().concurrency(), Math.max(1, byRegistry.size()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            runnable -> {
              Thread thread = new Thread(runnable, "pulldoctor-probe");
              thread.setDaemon(true);
              return thread;
            });
    Duration budget = http.policy().runDeadline(byRegistry.size());
    long deadline = System.nanoTime() + budget.toNanos();
    try {
      Map<String, Future<Map<ProbeTarget, RegistryObservation>>> futures = new LinkedHashMap<>();
      for (Map.Entry<String, List<ProbeTarget>> group : byRegistry.entrySet()) {
        futures.put(
            group.getKey(), pool.submit(() -> probeRegistry(group.getKey(), group.getValue())));
      }
      Map<ProbeTarget, RegistryObservation> all = new HashMap<>();
      for (Map.Entry<String, Future<Map<ProbeTarget, RegistryObservation>>> entry :
          futures.entrySet()) {
        Future<Map<ProbeTarget, RegistryObservation>> future = entry.getValue();
        try {
          all.putAll(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
          // the interrupt makes the probe ask nothing more; a request under way ends at its own
          // deadline, when its timer closes the connection
          future.cancel(true);
          for (ProbeTarget target : byRegistry.getOrDefault(entry.getKey(), List.of())) {
            all.put(target, unfinished(target, budget));
          }
        }
      }
      return targets.stream().map(all::get).toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while probing registries", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("registry probe failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The result of a registry whose probe was still going when the run's deadline passed. */
  private RegistryObservation unfinished(ProbeTarget target, Duration budget) {
    String detail =
        "the probe of "
            + target.registry()
            + " did not finish within the run's probe deadline of "
            + ProbeText.duration(budget)
            + ": the registry answers too slowly or never stops answering";
    return new RegistryObservation(
        target.image().effective(),
        target.registry(),
        new Connection(
            Outcome.FAILED,
            Stage.HTTP,
            PullErrorCause.NETWORK_TIMEOUT,
            detail,
            List.of(),
            null,
            new RegistryProbe(http, target.registry()).scheme(),
            null,
            null),
        new Access(AccessOutcome.ERROR, null, null, null, 0, null, null, detail),
        new Manifest(ManifestOutcome.ERROR, 0, null, null, null, null, false, List.of(), detail));
  }

  private Map<ProbeTarget, RegistryObservation> probeRegistry(
      String registry, List<ProbeTarget> targets) {
    long start = System.nanoTime();
    RegistryProbe probe = new RegistryProbe(http, targets.get(0).registry());
    Map<String, RegistryObservation> done = new HashMap<>();
    Map<ProbeTarget, RegistryObservation> results = new LinkedHashMap<>();
    for (ProbeTarget target : targets) {
      results.put(target, probeImage(probe, target, done));
    }
    logger.debug(
        "probed {} image(s) on {} in {} ms",
        targets.size(),
        registry,
        (System.nanoTime() - start) / 1_000_000);
    return results;
  }

  /** Like the kubelet: each matching entry in turn until the registry accepts one. */
  private RegistryObservation probeImage(
      RegistryProbe probe, ProbeTarget target, Map<String, RegistryObservation> done) {
    if (target.credentials().isEmpty()) {
      return once(probe, target, null, "anonymous", done);
    }
    RegistryObservation first = null;
    for (KubeletKeyring.Match match : target.credentials()) {
      RegistryObservation observation;
      try {
        Optional<Login> login =
            secrets.login(target.namespace(), match.secretName(), match.registryKey());
        if (login.isEmpty()) {
          observation =
              unreadable(
                  probe,
                  target,
                  match,
                  "Secret " + match.secretName() + " has no usable credentials for this entry");
        } else {
          observation =
              once(
                  probe,
                  target,
                  login.get(),
                  match.secretName() + "\u0000" + match.registryKey(),
                  done);
        }
      } catch (SecretSource.UnreadableException e) {
        observation = unreadable(probe, target, match, String.valueOf(e.getMessage()));
      }
      if (observation.access().outcome() == AccessOutcome.ACCEPTED) {
        return observation;
      }
      if (first == null) {
        first = observation;
      }
      if (!observation.connection().ok()) {
        break;
      }
    }
    return Objects.requireNonNull(first, "credentials were tried");
  }

  private static RegistryObservation once(
      RegistryProbe probe,
      ProbeTarget target,
      @Nullable Login login,
      String credential,
      Map<String, RegistryObservation> done) {
    String key =
        credential + "\u0000" + target.reference().path() + "\u0000" + target.manifestReference();
    RegistryObservation cached = done.get(key);
    if (cached != null) {
      return withImage(cached, target.image().effective());
    }
    RegistryObservation observation = probe.probe(target, login);
    done.put(key, observation);
    return observation;
  }

  private static RegistryObservation unreadable(
      RegistryProbe probe, ProbeTarget target, KubeletKeyring.Match match, String why) {
    return new RegistryObservation(
        target.image().effective(),
        target.registry(),
        probe.connection(),
        new Access(
            AccessOutcome.ERROR,
            match.secretName(),
            match.registryKey(),
            null,
            0,
            null,
            null,
            "pulldoctor could not read the credentials to test them: " + why),
        Manifest.notChecked("no credentials to ask with"));
  }

  private static RegistryObservation withImage(RegistryObservation observation, String image) {
    return new RegistryObservation(
        image,
        observation.registry(),
        observation.connection(),
        observation.access(),
        observation.manifest());
  }
}
