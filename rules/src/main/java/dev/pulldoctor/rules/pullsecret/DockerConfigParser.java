package dev.pulldoctor.rules.pullsecret;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Placeholder until the parser lands: see the pull-secret parser task. */
public final class DockerConfigParser {
  private DockerConfigParser() {}

  public static @Nullable PullSecretView parse(
      String secretType, Map<String, String> base64Data, Map<String, String> stringData) {
    if (!base64Data.containsKey(".dockerconfigjson")
        && !stringData.containsKey(".dockerconfigjson")) {
      return null;
    }
    return new PullSecretView(
        secretType, PullSecretFormat.DOCKER_CONFIG_JSON, List.of(), List.of());
  }
}
