package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.bundle.Bundle;
import dev.pulldoctor.agent.bundle.BundleReader;
import dev.pulldoctor.agent.testsupport.Waits;
import dev.pulldoctor.rules.model.SourceType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code GET /api/v1/bundle} of a running {@code serve}: the support bundle without a shell. */
class ServeBundleTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TOKEN = "a-long-random-token-for-tests";

  @TempDir Path dir;

  @Test
  void a_fresh_bundle_needs_the_token_and_reads_back_like_bundle_create() throws Exception {
    try (MockApi api = MockApi.start().seed(CliRun.EXAMPLES.resolve("abctl-missing-pull-secret"))) {
      Path kubeconfig = api.kubeconfig(dir);
      Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n", StandardCharsets.UTF_8);
      AtomicReference<DaemonApp> running = new AtomicReference<>();
      ServeCommand serve = new ServeCommand(false, running::set);
      StringWriter err = new StringWriter();
      CommandLine command = new CommandLine(serve).setErr(new PrintWriter(err, true));
      CompletableFuture<Integer> exit =
          CompletableFuture.supplyAsync(
              () ->
                  command.execute(
                      "--kubeconfig",
                      kubeconfig.toString(),
                      "--port",
                      "0",
                      "--offline",
                      "--token-file",
                      token.toString()));
      Waits.await("serve started").atMost(WAIT).until(() -> running.get() != null || exit.isDone());
      DaemonApp app = Objects.requireNonNull(running.get(), err::toString);
      String url = "http://127.0.0.1:" + app.port() + "/api/v1/bundle";

      HttpResponse<byte[]> anonymous = get(url, null);
      HttpResponse<byte[]> wrong = get(url, "Bearer not-the-token");
      HttpResponse<byte[]> download = get(url, "Bearer " + TOKEN);

      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.headers().firstValue("Content-Type")).hasValue("application/gzip");
      assertThat(download.headers().firstValue("Content-Disposition").orElseThrow())
          .matches("attachment; filename=\"pulldoctor-bundle-\\d{8}T\\d{6}Z\\.tar\\.gz\"");
      Path file = Files.write(dir.resolve("downloaded.tar.gz"), download.body());
      Bundle bundle = new BundleReader().read(file);
      assertThat(bundle.manifest().sourceType()).isEqualTo(SourceType.CLUSTER);
      assertThat(bundle.snapshot().pods()).isNotEmpty();
      CliRun analyze = CliRun.of("analyze", file.toString());
      assertThat(analyze.out()).contains("pullsecret.exists");
      assertThat(analyze.exitCode()).isEqualTo(ExitCodes.FINDINGS);
      // The bundle was made in a temp directory, which is gone.
      try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .noneMatch(name -> name.startsWith("pulldoctor-bundle"));
      }

      serve.shutdown();
      assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    }
  }

  private static HttpResponse<byte[]> get(String url, @Nullable String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
