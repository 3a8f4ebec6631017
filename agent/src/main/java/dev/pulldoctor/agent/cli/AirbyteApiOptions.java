package dev.pulldoctor.agent.cli;

import dev.pulldoctor.agent.airbyte.AirbyteDiscovery;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --airbyte-url}, {@code --airbyte-client-id}, {@code --airbyte-client-secret-file}: where
 * and as whom to ask Airbyte's API for the custom connectors. The client secret is only ever read
 * from a file or the environment: a command line is visible to every user of the machine.
 */
final class AirbyteApiOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--airbyte-url",
      paramLabel = "URL",
      description =
          "Airbyte's address, e.g. http://localhost:8000, to list the custom connectors registered"
              + " in it and check their images. Default: the <release>-airbyte-server-svc Service,"
              + " through the Kubernetes API server's service proxy.")
  @Nullable String url;

  @Option(
      names = "--airbyte-client-id",
      paramLabel = "ID",
      description =
          "Client id of an Airbyte application (with --airbyte-client-secret-file). Default:"
              + " $AIRBYTE_CLIENT_ID, else the instance admin's from Secret airbyte-auth-secrets.")
  @Nullable String clientId;

  @Option(
      names = "--airbyte-client-secret-file",
      paramLabel = "FILE",
      description =
          "File holding the client secret (with --airbyte-client-id). Default:"
              + " $AIRBYTE_CLIENT_SECRET.")
  @Nullable Path secretFile;

  /** Rejects a secret on the command line without repeating it (picocli would echo it). */
  @SuppressWarnings("DoNotCallSuggester") // picocli calls it when the option is given
  @Option(names = "--airbyte-client-secret", hidden = true, paramLabel = "SECRET")
  void rejectPlainSecret(String ignored) {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "--airbyte-client-secret is not accepted: other users can read command lines. Put the"
            + " secret in a file and pass --airbyte-client-secret-file FILE, or set"
            + " AIRBYTE_CLIENT_SECRET");
  }

  /** Checks the flags: both credential flags or neither, a usable URL. */
  AirbyteDiscovery.Request request() {
    if ((clientId == null) != (secretFile == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--airbyte-client-id and --airbyte-client-secret-file go together");
    }
    return new AirbyteDiscovery.Request(url == null ? null : parse(url), clientId, secretFile);
  }

  private URI parse(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw usage("--airbyte-url: not a URL: " + text);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw usage("--airbyte-url: use an http:// or https:// address, e.g. http://localhost:8000");
    }
    if (uri.getHost() == null) {
      throw usage("--airbyte-url: no host in " + text);
    }
    if (uri.getRawUserInfo() != null) {
      throw usage(
          "--airbyte-url: leave credentials out of the URL; use --airbyte-client-id and"
              + " --airbyte-client-secret-file");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw usage("--airbyte-url: no query or fragment, just Airbyte's address");
    }
    return uri;
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
