package dev.pulldoctor.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.collect.ManifestReader;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's headless Chromium loads the HTML report of a failing install: the failing rule and its
 * fix are in the rendered page, and a hostile name from the cluster renders as text. The screenshot
 * stays in {@code agent/target/chromium/} for people to look at.
 */
@ExtendWith(ProcessLeakCheck.class)
class ChromiumReportTest {
  private static final String HOSTILE = "<img src=x onerror=alert(1)>";
  private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);

  @TempDir Path dir;

  @Test
  void the_report_of_a_failing_install_renders_the_failure_its_fix_and_hostile_names_as_text()
      throws Exception {
    Path chromium = Binaries.require("chromium");
    try (MockApi api = MockApi.start()) {
      api.seed(hostileInstall());
      try (RunningDaemon daemon =
          RunningDaemon.start(api, dir, RunningDaemon.quick(Duration.ofMinutes(10)))) {
        daemon.awaitReport(
            r -> "fail".equals(RunningDaemon.status(r, "pullsecret.exists")),
            Duration.ofSeconds(30));
        String url = daemon.url("/");

        Processes.Finished dump =
            Processes.run(browser(chromium, "--dump-dom", url), dir, null, BROWSER_TIMEOUT);
        assertThat(dump.exitCode()).as(dump.output()).isZero();
        String dom = dump.output().substring(dump.output().indexOf("<html"));
        assertThat(dom)
            .contains(
                "data-rule=\"pullsecret.exists\" data-status=\"fail\"",
                "kubectl create secret docker-registry ghcr-creds",
                "-n airbyte-abctl",
                "&lt;img src=x onerror=alert(1)&gt;")
            .doesNotContain("<img", "<script");
        // Failing results come before passing ones.
        assertThat(dom.indexOf("data-status=\"fail\""))
            .isLessThan(dom.indexOf("data-status=\"pass\""));

        Path screenshot =
            Path.of("target", "chromium", "failing-install-report.png").toAbsolutePath();
        Files.createDirectories(screenshot.getParent());
        Files.deleteIfExists(screenshot);
        Processes.Finished shot =
            Processes.run(
                browser(chromium, "--screenshot=" + screenshot, "--window-size=1280,2200", url),
                dir,
                null,
                BROWSER_TIMEOUT);
        assertThat(shot.exitCode()).as(shot.output()).isZero();
        byte[] png = Files.readAllBytes(screenshot);
        assertThat(png.length).isGreaterThan(10_000);
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII))
            .isEqualTo("PNG");
      }
    }
  }

  private List<String> browser(Path chromium, String... args) {
    List<String> command = new ArrayList<>();
    command.add(chromium.toString());
    command.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--user-data-dir=" + dir.resolve("chromium-profile")));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * The abctl example, with a hostile secret name added to the launcher's pull-secret setting: a
   * ConfigMap value is free text, and the report quotes it.
   */
  private static List<HasMetadata> hostileInstall() throws Exception {
    List<HasMetadata> objects =
        new ArrayList<>(
            new ManifestReader()
                .read(List.of(CliRun.EXAMPLES.resolve("abctl-missing-pull-secret")))
                .objects());
    for (HasMetadata object : objects) {
      if (object instanceof ConfigMap map
          && map.getMetadata().getName().equals("airbyte-abctl-airbyte-env")) {
        map.getData().put("JOB_KUBE_MAIN_CONTAINER_IMAGE_PULL_SECRET", "ghcr-creds," + HOSTILE);
      }
    }
    return objects;
  }
}
