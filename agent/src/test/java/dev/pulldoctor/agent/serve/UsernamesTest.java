package dev.pulldoctor.agent.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.engine.Summary;
import dev.pulldoctor.rules.model.Snapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registry usernames are masked in what the daemon serves; token user names and words stay. */
class UsernamesTest {
  private static final RuleInfo RULE =
      new RuleInfo("pullsecret.format", "A title", Severity.CRITICAL, "x", "y", List.of());

  @Test
  void usernames_of_pull_secrets_are_masked_in_messages_remediations_and_evidence()
      throws Exception {
    Snapshot snapshot =
        new ManifestSnapshots(Clock.systemUTC())
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")), null);
    Usernames usernames = Usernames.of(snapshot);
    Result result =
        Result.of(
                RULE,
                Status.PASS,
                null,
                null,
                "Secret regcred has an entry for 'registry.example.com' (user"
                    + " 'robot$data-team+airbyte')")
            .withRemediation("docker login -u robot$data-team+airbyte registry.example.com")
            .withEvidence(
                Map.of(
                    "username",
                    "robot$data-team+airbyte",
                    "note",
                    "robot$data-team+airbyte",
                    "list",
                    List.of("robot$data-team+airbyte", 3),
                    "passwordFingerprints",
                    List.of("hmac:0123456789ab")));
    Report report =
        new Report(
            snapshot.capturedAt(),
            snapshot.source(),
            dev.pulldoctor.rules.airbyte.AirbyteInstall.from(snapshot, "airbyte"),
            List.of(),
            List.of(result),
            Summary.of(List.of(result)));

    Result masked = usernames.redact(report).results().get(0);

    assertThat(masked.message()).endsWith("(user '<username>')");
    assertThat(masked.remediation()).isEqualTo("docker login -u <username> registry.example.com");
    assertThat(masked.evidence())
        .doesNotContainKey("username")
        .containsEntry("note", "<username>")
        .containsEntry("list", List.of("<username>", 3))
        .containsEntry("passwordFingerprints", List.of("hmac:0123456789ab"));
  }

  @Test
  void only_whole_names_are_masked() throws Exception {
    Snapshot snapshot =
        new ManifestSnapshots(Clock.systemUTC())
            .read(List.of(Path.of("..", "examples", "abctl-missing-pull-secret")), null);
    Usernames usernames = Usernames.of(snapshot); // the user is acme-data-bot
    assertThat(usernames.mask("user acme-data-bot, not acme-data-bots or xacme-data-bot"))
        .isEqualTo("user <username>, not acme-data-bots or xacme-data-bot");
    assertThat(usernames.mask("ECR username AWS")).isEqualTo("ECR username AWS");
  }

  @Test
  void a_fix_that_names_no_user_keeps_its_commands_and_one_that_does_is_text_only()
      throws Exception {
    Snapshot snapshot =
        new ManifestSnapshots(Clock.systemUTC())
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")), null);
    Usernames usernames = Usernames.of(snapshot);
    Result plain =
        Result.of(RULE, Status.FAIL, null, null, "missing")
            .withFix(
                dev.pulldoctor.rules.fix.Fix.of(
                    "Create it:",
                    new dev.pulldoctor.rules.fix.Step.Manual(
                        "", "kubectl get secret regcred -n airbyte")));
    Result naming =
        Result.of(RULE, Status.FAIL, null, null, "wrong user")
            .withFix(
                dev.pulldoctor.rules.fix.Fix.of(
                    "Log in:",
                    new dev.pulldoctor.rules.fix.Step.Manual(
                        "", "docker login -u robot$data-team+airbyte registry.example.com")));
    Report report =
        new Report(
            snapshot.capturedAt(),
            snapshot.source(),
            dev.pulldoctor.rules.airbyte.AirbyteInstall.from(snapshot, "airbyte"),
            List.of(),
            List.of(plain, naming),
            Summary.of(List.of(plain, naming)));

    List<Result> masked = usernames.redact(report).results();

    assertThat(masked.get(0).fix()).isEqualTo(plain.fix());
    assertThat(masked.get(1).fix()).isNull();
    assertThat(masked.get(1).remediation()).contains("docker login -u <username>");
  }
}
