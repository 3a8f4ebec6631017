package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.pipeline.DiagnosisPipeline;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;

/**
 * The flags of a run's network steps, the registry probes' and Airbyte's API's, shared by every
 * command that collects ({@code diagnose}, {@code fix}, {@code bundle create}, {@code serve}).
 * {@code --offline} stays with each command, at its place in the command's help.
 */
final class NetworkOptions {
  @Mixin ProbeOptions probes = new ProbeOptions();

  @Mixin AirbyteApiOptions airbyteApi = new AirbyteApiOptions();

  /**
   * Checks the flags (a usage error names the flag) and says how the pipeline runs.
   *
   * @param images the {@code --image} values
   * @param offline the {@code --offline} flag
   * @param now the {@code --now} value, null for the snapshot's time
   * @param askServerVersion whether a live run asks the API server's version (for a bundle)
   */
  DiagnosisPipeline.Settings settings(
      Clock clock,
      List<String> images,
      boolean offline,
      @Nullable Instant now,
      boolean askServerVersion) {
    return new DiagnosisPipeline.Settings(
        clock,
        images,
        offline,
        now,
        airbyteApi.request(),
        probes.probes(),
        VersionInfo.version(),
        askServerVersion);
  }
}
