package dev.pulldoctor.agent.cli;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** {@code --kubeconfig}, {@code --context}, {@code -n}: which cluster and Airbyte namespace. */
final class ClusterOptions {
  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster config).")
  @Nullable Path kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "Kubeconfig context (default: the current context).")
  @Nullable String context;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description =
          "Airbyte namespace (default: the namespace of the Airbyte workload-launcher, else"
              + " 'airbyte'; abctl uses 'airbyte-abctl').")
  @Nullable String namespace;

  /**
   * Refuses {@code --kubeconfig} and {@code --context} next to {@code --manifests}, a usage error.
   */
  void refuseWithManifests(List<Path> manifests, CommandSpec spec) {
    if (!manifests.isEmpty() && (kubeconfig != null || context != null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--manifests reads files and cannot be combined with --kubeconfig or --context");
    }
  }
}
