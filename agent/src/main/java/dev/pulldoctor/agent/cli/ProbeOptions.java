package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.pipeline.DiagnosisPipeline;
import dev.pulldoctor.agent.probe.ProbePolicy;
import dev.pulldoctor.agent.probe.ProbeSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --active-pull}, {@code --probe-allow}, {@code --insecure-registry}: how far registry
 * probes may go, shared through {@link NetworkOptions} by every command that probes.
 */
final class ProbeOptions {
  private static final Pattern INSECURE_REGISTRY =
      Pattern.compile("^(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?$");

  /** Tests set how probes reach the network (stub resolver, test CA); null: the system's. */
  static volatile @Nullable ProbeSetup testSetup;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--active-pull",
      description =
          "Live only: also create one short-lived test pod per image in the job namespace, made"
              + " like a connector job pod, to see the node pull it; the pod is always deleted"
              + " (label app.kubernetes.io/managed-by=pulldoctor).")
  boolean activePull;

  @Option(
      names = "--probe-allow",
      paramLabel = "CIDR|HOST[:PORT]",
      description =
          "Let registry probes contact this address range (loopback is refused otherwise, e.g."
              + " 127.0.0.0/8 for a port-forwarded registry), or trust this host name, or this"
              + " host and port (a token service on another port of the registry's host), as a"
              + " token service for credentials (repeatable). Link-local and cloud-metadata"
              + " addresses are always refused.")
  List<String> probeAllow = new ArrayList<>();

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST[:PORT]",
      description =
          "Probe this registry over plain HTTP instead of HTTPS (repeatable); only for registries"
              + " the nodes' container runtime also treats as insecure.")
  List<String> insecureRegistries = new ArrayList<>();

  /** Checks the flags; a usage error names the flag and the bad value. */
  ProbePolicy policy() {
    for (String registry : insecureRegistries) {
      if (!INSECURE_REGISTRY.matcher(registry).matches()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--insecure-registry takes HOST or HOST:PORT, e.g. registry.local:5000: " + registry);
      }
    }
    try {
      return ProbePolicy.defaults().allowing(probeAllow).withInsecureRegistries(insecureRegistries);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** How far the probes may go, with the flags checked. */
  DiagnosisPipeline.Probes probes() {
    return new DiagnosisPipeline.Probes(policy(), ProbeOptions::setup, activePull);
  }

  private static ProbeSetup setup() {
    ProbeSetup setup = testSetup;
    return setup != null ? setup : ProbeSetup.system();
  }
}
