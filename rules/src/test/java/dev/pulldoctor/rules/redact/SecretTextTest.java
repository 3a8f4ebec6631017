package dev.pulldoctor.rules.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.pullsecret.SecretFingerprint;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the one redactor of every output removes, and the prose it must leave alone. */
class SecretTextTest {
  private static final String PASSWORD = "hunter2#x/Y";
  private static final SecretText KNOWING =
      SecretText.knowing(Set.of(SecretFingerprint.of(PASSWORD.getBytes(StandardCharsets.UTF_8))));

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "fetching https://bob:pw1@reg.io/v2/ failed | fetching https://REDACTED@reg.io/v2/ failed",
        "DATABASE_PASSWORD=airbyte started | DATABASE_PASSWORD=REDACTED started",
        "SMTP_PASS=abc MAIL_PWD=def HOOK_AUTH=ghi | SMTP_PASS=REDACTED MAIL_PWD=REDACTED"
            + " HOOK_AUTH=REDACTED",
        "api_token = xyz1 | api_token = REDACTED",
        "jdbc:postgresql://db:5432/a?user=x&password=s3cr3t&ssl=true |"
            + " jdbc:postgresql://db:5432/a?user=x&password=REDACTED&ssl=true",
        "JAVA_OPTS=-Xmx1g -Djavax.net.ssl.trustStorePassword=changeit -Dx=1 |"
            + " JAVA_OPTS=-Xmx1g -Djavax.net.ssl.trustStorePassword=REDACTED -Dx=1",
        "OTEL_EXPORTER_OTLP_HEADERS=Authorization=Basic dXNlcjpwYXNzd29yZA== |"
            + " OTEL_EXPORTER_OTLP_HEADERS=Authorization=Basic REDACTED",
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x | Authorization: Bearer REDACTED",
        "docker login -u bob -p s3cret reg.io | docker login -u bob -p REDACTED reg.io",
        "run --db-password=s3cret --verbose | run --db-password=REDACTED --verbose",
        "run --password s3cret | run --password REDACTED",
        "{\"name\":\"DB_USER\",\"value\":\"bob\"} | {\"name\":\"DB_USER\",\"value\":\"REDACTED\"}",
        "{\"aws_secret_access_key\":\"wJalrXUtnFEMI\"} | {\"aws_secret_access_key\":\"REDACTED\"}",
        "key AKIAIOSFODNN7EXAMPLE used | key REDACTED used",
        "Server=db;Database=ab;User ID=bob;Password=pw; | Server=REDACTED;Database=REDACTED;User"
            + " ID=REDACTED;Password=REDACTED;",
        "bob:pw@tcp(db:3306)/ab | REDACTED@tcp(db:3306)/ab",
      })
  void removes_what_the_default_rules_name(String text, String expected) {
    assertThat(SecretText.DEFAULT.redact(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "no basic auth credentials",
        "unauthorized: authentication required",
        "failed to fetch anonymous token: unexpected status from GET request to"
            + " https://ghcr.io/token?scope=repository%3Aacme%2Fx%3Apull&service=ghcr.io: 401",
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\"",
        "kubectl create secret docker-registry ghcr-creds --docker-server=ghcr.io"
            + " --docker-username='<username>' --docker-password='<password-or-token>' -n ab",
        "--docker-password=\"$(gcloud auth print-access-token)\" --dry-run=client",
        "registry.example.com/team/image@sha256:abc",
        "the token has expired; Basic authentication failed",
        "denied: requested access to the resource is denied, repository does not exist or may"
            + " require authorization: server message: insufficient_scope: authorization failed",
        "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET='regcred, dockerhub-creds' has a leading space",
        "imagePullSecrets: regcred",
        "AIRBYTE_SECRET_NAME=airbyte-secrets",
      })
  void leaves_prose_and_placeholders_alone(String text) {
    assertThat(KNOWING.redact(text)).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"raw", "url", "hex", "HEX", "base64", "base64-user", "json", "url-user"})
  void removes_a_known_password_in_every_encoding(String encoding) {
    String encoded =
        switch (encoding) {
          case "raw" -> PASSWORD;
          case "url" -> URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
          case "hex" -> HexFormat.of().formatHex(utf8(PASSWORD));
          case "HEX" -> HexFormat.of().withUpperCase().formatHex(utf8(PASSWORD));
          case "base64" -> Base64.getEncoder().encodeToString(utf8(PASSWORD));
          case "base64-user" -> Base64.getEncoder().encodeToString(utf8("bob:" + PASSWORD));
          case "json" -> json(PASSWORD);
          default -> "bob:" + PASSWORD;
        };
    String text = "registry answered (" + encoded + "), giving up";

    String redacted = KNOWING.redact(text);

    // A password written after its user loses only the password.
    String shown = encoding.equals("url-user") ? "bob:REDACTED" : "REDACTED";
    assertThat(redacted).isEqualTo(text.replace(encoded, shown));
    assertThat(redacted).doesNotContain("hunter2").doesNotContain(encoded);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String json(String text) {
    StringBuilder out = new StringBuilder();
    text.chars().forEach(c -> out.append(String.format("\\u%04x", c)));
    return out.toString();
  }
}
