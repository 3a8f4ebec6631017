package dev.pulldoctor.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.airbyte.FakeAirbyte;
import dev.pulldoctor.agent.collect.ManifestReader;
import dev.pulldoctor.agent.testsupport.ChildJvm;
import dev.pulldoctor.agent.testsupport.Kubeconfig;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Airbyte client secret and the access token never reach stdout or stderr, at {@code
 * --log-level trace}, in any output format, whether they come from a file, the environment or
 * Secret airbyte-auth-secrets, and whether Airbyte accepts them or not. The CLI runs in a child JVM
 * so logging is configured exactly as for a user.
 */
@EnableKubernetesMockClient(crud = true)
@ExtendWith(ProcessLeakCheck.class)
class AirbyteApiCanaryIT {
  private static final String CLIENT_ID = "5e1f0c2a-7b3d-4e8f-9a6b-c4n4ry1d0000";
  private static final String SECRET = "c4n4ry-cl13nt-s3cr3t-7d2e";
  private static final String WRONG = "c4n4ry-wr0ng-s3cr3t-91ab";
  private static final String TOKEN = "c4n4ryT0k3n.p4yl04dXy.s1gn4tur3Zq";
  private static final Path EXAMPLE = Path.of("..", "examples", "healthy-private-registry");

  KubernetesMockServer server;
  KubernetesClient client;

  @TempDir Path dir;
  FakeAirbyte airbyte;

  @BeforeEach
  void start() throws Exception {
    airbyte = FakeAirbyte.standard(CLIENT_ID, SECRET, TOKEN);
  }

  @AfterEach
  void stop() {
    airbyte.close();
  }

  private static List<String> forbidden() {
    List<String> forms = new ArrayList<>();
    for (String value : List.of(SECRET, WRONG, TOKEN)) {
      forms.add(value);
      forms.add(b64(value));
    }
    forms.addAll(
        List.of("cl13nt-s3cr3t", "wr0ng-s3cr3t", "c4n4ryT0k3n", "p4yl04dXy", "s1gn4tur3Zq"));
    return forms;
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "table", "markdown", "yaml", "sarif", "junit"})
  void secret_file_and_token_never_printed(String format) throws Exception {
    Path secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");

    Output output =
        run(
            Map.of(),
            "diagnose",
            "--manifests",
            EXAMPLE.toString(),
            "--airbyte-url",
            airbyte.url(),
            "--airbyte-client-id",
            CLIENT_ID,
            "--airbyte-client-secret-file",
            secretFile.toString(),
            "-o",
            format,
            "--log-level",
            "trace");

    assertThat(output.exitCode()).as(output.err()).isEqualTo(1);
    assertThat(output.out()).contains("destination-warehouse");
    assertThat(output.err()).contains("asking Airbyte's API at").contains("DEBUG");
    assertNoCanary(output);
  }

  @Test
  void a_wrong_secret_is_not_printed_either() throws Exception {
    Path secretFile = Files.writeString(dir.resolve("wrong"), WRONG);

    Output output =
        run(
            Map.of(),
            "diagnose",
            "--manifests",
            EXAMPLE.toString(),
            "--airbyte-url",
            airbyte.url(),
            "--airbyte-client-id",
            CLIENT_ID,
            "--airbyte-client-secret-file",
            secretFile.toString(),
            "-o",
            "json",
            "--log-level",
            "trace");

    assertThat(output.out()).contains("rejected the credentials");
    assertNoCanary(output);
  }

  @Test
  void environment_credentials_never_printed() throws Exception {
    Output output =
        run(
            Map.of("AIRBYTE_CLIENT_ID", CLIENT_ID, "AIRBYTE_CLIENT_SECRET", SECRET),
            "diagnose",
            "--manifests",
            EXAMPLE.toString(),
            "--airbyte-url",
            airbyte.url(),
            "-o",
            "table",
            "--show-all",
            "--log-level",
            "trace");

    assertThat(oneLine(output.out()))
        .contains("environment AIRBYTE_CLIENT_ID/AIRBYTE_CLIENT_SECRET");
    assertNoCanary(output);
  }

  @Test
  void a_secret_on_the_command_line_is_refused_and_not_repeated() throws Exception {
    Output output =
        run(
            Map.of(),
            "diagnose",
            "--manifests",
            EXAMPLE.toString(),
            "--airbyte-url",
            airbyte.url(),
            "--airbyte-client-id",
            CLIENT_ID,
            "--airbyte-client-secret",
            SECRET,
            "--log-level",
            "trace");

    assertThat(output.exitCode()).isEqualTo(2);
    assertNoCanary(output);
  }

  @Test
  void auth_secret_and_token_through_the_service_proxy_never_printed() throws Exception {
    for (HasMetadata object : new ManifestReader().read(List.of(EXAMPLE)).objects()) {
      String namespace = object.getMetadata().getNamespace();
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .createOr(existing -> existing.update());
      client.resource(object).create();
    }
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("airbyte-airbyte-server-svc")
                .withNamespace("airbyte")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(8001)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("airbyte-auth-secrets")
                .withNamespace("airbyte")
                .endMetadata()
                .withType("Opaque")
                .withData(
                    Map.of(
                        "instance-admin-client-id", b64(CLIENT_ID),
                        "instance-admin-client-secret", b64(SECRET),
                        "instance-admin-password", b64(WRONG)))
                .build())
        .createOr(existing -> existing.update());
    String proxy = "/api/v1/namespaces/airbyte/services/airbyte-airbyte-server-svc:http/proxy";
    expect(proxy + "/api/v1/applications/token", "{\"access_token\":\"" + TOKEN + "\"}");
    expect(
        proxy + "/api/v1/workspaces/list_all_paginated",
        "{\"workspaces\":[{\"workspaceId\":\"b7b3ab2e-6f8a-4c41-9d0c-3a1f9f0e2c11\","
            + "\"name\":\"Default Workspace\"}]}");
    expect(
        proxy + "/api/v1/source_definitions/list_for_workspace",
        "{\"sourceDefinitions\":[{\"sourceDefinitionId\":\"6a1c0d7e-2f3b-4c5d-9e8f-7a6b5c4d3e2f\","
            + "\"name\":\"Acme API\",\"dockerRepository\":\"ghcr.io/acme/source-acme\","
            + "\"dockerImageTag\":\"1.2.0\",\"custom\":true}]}");
    expect(
        proxy + "/api/v1/destination_definitions/list_for_workspace",
        "{\"destinationDefinitions\":[]}");
    expect(proxy + "/api/v1/sources/list_paginated", "{\"sources\":[]}");
    expect(proxy + "/api/v1/destinations/list_paginated", "{\"destinations\":[]}");
    Path kubeconfig = Kubeconfig.of(client).namespace("airbyte").writeTo(dir.resolve("kubeconfig"));

    for (String format : List.of("json", "table")) {
      Output output =
          run(
              Map.of(),
              "diagnose",
              "--kubeconfig",
              kubeconfig.toString(),
              "-n",
              "airbyte",
              "-o",
              format,
              "--show-all",
              "--log-level",
              "trace");

      assertThat(output.out()).as(output.err()).contains("ghcr.io/acme/source-acme:1.2.0");
      assertThat(oneLine(output.out())).contains("Secret airbyte/airbyte-auth-secrets");
      assertNoCanary(output);
    }
  }

  private void expect(String path, String body) {
    server.expect().post().withPath(path).andReturn(200, body).always();
  }

  private static void assertNoCanary(Output output) {
    for (String form : forbidden()) {
      assertThat(output.out()).as("stdout").doesNotContain(form);
      assertThat(output.err()).as("stderr").doesNotContain(form);
    }
  }

  record Output(int exitCode, String out, String err) {}

  /** Runs the CLI in a new JVM with the given extra environment. */
  private Output run(Map<String, String> env, String... args) throws Exception {
    ChildJvm.Result run =
        ChildJvm.pulldoctor(args)
            .withoutEnv("AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET", "KUBERNETES_SERVICE_HOST")
            .env(env)
            .run(dir, Duration.ofSeconds(60));
    return new Output(run.exitCode(), run.out(), run.err());
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The table wraps its prose to the terminal: a phrase may span lines. */
  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ");
  }
}
