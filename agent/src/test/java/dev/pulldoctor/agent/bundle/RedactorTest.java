package dev.pulldoctor.agent.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the redactor removes, what it keeps, and how it lists each removal. */
class RedactorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://user:s3cret@host.example.com/x | https://REDACTED@host.example.com/x |"
            + " user:s3cret",
        "jdbc:postgresql://airbyte:pw@db:5432/airbyte | jdbc:postgresql://REDACTED@db:5432/airbyte"
            + " | airbyte:pw",
        "redis://:pw@cache:6379 | redis://REDACTED@cache:6379 | :pw",
        "https://ghp_token@github.com/acme/repo.git | https://REDACTED@github.com/acme/repo.git"
            + " | ghp_token",
        "https://u:pa/ss@word@host/p | https://REDACTED@host/p | u:pa/ss@word",
        "see http://a:b@one and ftp://c:d@two | see http://REDACTED@one and ftp://REDACTED@two |"
            + " a:b",
        "{\"url\":\"https://u:p@h/x\",\"other\":\"y@z\"} |"
            + " {\"url\":\"https://REDACTED@h/x\",\"other\":\"y@z\"} | u:p",
      })
  void removes_user_information_from_urls(String text, String expected, String removed) {
    Redactor redactor = new Redactor();

    assertThat(redactor.text(text, JsonPath.ROOT)).isEqualTo(expected);
    assertThat(redactor.redactions())
        .first()
        .satisfies(
            r -> {
              assertThat(r.kind()).isEqualTo("url-credentials");
              // No fingerprint: it would let anyone test guesses of the removed value.
              assertThat(r.fingerprint()).isNull();
            });
    assertThat(expected).doesNotContain(removed);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "https://host.example.com/path@v2",
        "ssh://host/repo",
        "user@example.com wrote it",
        "registry.example.com/team/image@sha256:abc",
        "https://@host/x",
      })
  void keeps_urls_without_user_information(String text) {
    Redactor redactor = new Redactor();

    assertThat(redactor.text(text, JsonPath.ROOT)).isEqualTo(text);
    assertThat(redactor.redactions()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "DATABASE_PASSWORD, password",
    "db_passwd, password",
    "AWS_SECRET_ACCESS_KEY, secret",
    "apiToken, token",
    "SEGMENT_WRITE_KEY, key",
    "GOOGLE_APPLICATION_CREDENTIALS, credential",
  })
  void names_that_look_secret(String name, String kind) {
    assertThat(Redactor.secretKind(name)).isEqualTo(kind);
  }

  @ParameterizedTest
  @CsvSource({"JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET", "JOB_KUBE_NAMESPACE", "AIRBYTE_VERSION"})
  void names_that_do_not(String name) {
    assertThat(Redactor.secretKind(name)).isNull();
  }

  @Test
  void env_values_flags_and_annotations_are_redacted_with_their_paths() throws Exception {
    ObjectNode pod =
        (ObjectNode)
            JSON.readTree(
                """
                {"apiVersion": "v1", "kind": "Pod",
                 "metadata": {"name": "p", "namespace": "airbyte",
                   "managedFields": [{"manager": "kubectl"}],
                   "annotations": {
                     "kubectl.kubernetes.io/last-applied-configuration": "{\\"spec\\":1}",
                     "checksum/secret": "abc",
                     "note": "ok"}},
                 "spec": {"containers": [{"name": "main",
                   "args": ["--api-token=t0k", "--password", "pw", "--verbose", "--key"],
                   "env": [
                     {"name": "DATABASE_PASSWORD", "value": "hunter2"},
                     {"name": "EMPTY_TOKEN", "value": ""},
                     {"name": "JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET", "value": "regcred"},
                     {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
                     {"name": "LOG_URL", "value": "https://u:p@logs"}]}]}}
                """);
    Redactor redactor = new Redactor();

    redactor.object("objects/pods.yaml", 3, pod);

    assertThat(pod.path("metadata").has("managedFields")).isFalse();
    assertThat(pod.at("/metadata/annotations/note").asText()).isEqualTo("ok");
    assertThat(pod.at("/metadata/annotations/checksum~1secret").asText()).isEqualTo("REDACTED");
    assertThat(pod.at("/spec/containers/0/args").toString())
        .isEqualTo(
            "[\"--api-token=REDACTED\",\"--password\",\"REDACTED\",\"--verbose\",\"--key\"]");
    assertThat(pod.at("/spec/containers/0/env/0/value").asText()).isEqualTo("REDACTED");
    assertThat(pod.at("/spec/containers/0/env/1/value").asText()).isEmpty();
    assertThat(pod.at("/spec/containers/0/env/2/value").asText()).isEqualTo("regcred");
    assertThat(pod.at("/spec/containers/0/env/3/valueFrom/secretKeyRef/name").asText())
        .isEqualTo("s");
    assertThat(pod.at("/spec/containers/0/env/4/value").asText())
        .isEqualTo("https://REDACTED@logs");
    assertThat(redactor.redactions())
        .extracting(Redaction::path, Redaction::kind)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "$.items[3].metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']",
                "last-applied-configuration"),
            org.assertj.core.groups.Tuple.tuple(
                "$.items[3].metadata.annotations['checksum/secret']", "secret"),
            org.assertj.core.groups.Tuple.tuple(
                "$.items[3].spec.containers[0].args[0]", "flag-value"),
            org.assertj.core.groups.Tuple.tuple(
                "$.items[3].spec.containers[0].args[2]", "flag-value"),
            org.assertj.core.groups.Tuple.tuple(
                "$.items[3].spec.containers[0].env[0].value", "password"),
            org.assertj.core.groups.Tuple.tuple(
                "$.items[3].spec.containers[0].env[4].value", "url-credentials"));
    assertThat(redactor.redactions())
        .allSatisfy(
            r -> {
              assertThat(r.file()).isEqualTo("objects/pods.yaml");
              assertThat(r.object()).isEqualTo("Pod airbyte/p");
            });
    assertThat(redactor.redactions())
        .filteredOn(r -> r.kind().equals("password"))
        .extracting(Redaction::fingerprint)
        .containsOnlyNulls();
  }

  @Test
  void config_map_values_are_redacted_by_key_and_binary_data_is_dropped() throws Exception {
    ObjectNode configMap =
        (ObjectNode)
            JSON.readTree(
                """
                {"apiVersion": "v1", "kind": "ConfigMap",
                 "metadata": {"name": "airbyte-airbyte-env", "namespace": "airbyte"},
                 "data": {"DATABASE_PASSWORD": "pw", "DATABASE_URL": "postgresql://a:b@db/x",
                          "ca.crt": "-----BEGIN CERTIFICATE-----", "LOG_LEVEL": "INFO"},
                 "binaryData": {"blob": "AAEC"}}
                """);
    Redactor redactor = new Redactor();

    redactor.object("objects/configmaps.yaml", 0, configMap);

    assertThat(configMap.path("data").toString())
        .isEqualTo(
            "{\"DATABASE_PASSWORD\":\"REDACTED\",\"DATABASE_URL\":\"postgresql://REDACTED@db/x\","
                + "\"ca.crt\":\"-----BEGIN CERTIFICATE-----\",\"LOG_LEVEL\":\"INFO\"}");
    assertThat(configMap.at("/binaryData/blob").asText()).isEqualTo("REDACTED");
    assertThat(redactor.redactions())
        .extracting(Redaction::path)
        .containsExactly(
            "$.items[0].data.DATABASE_PASSWORD",
            "$.items[0].data.DATABASE_URL",
            "$.items[0].binaryData.blob");
  }
}
