package dev.pulldoctor.agent.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
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
}
