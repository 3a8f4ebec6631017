package dev.pulldoctor.agent.render;

import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.engine.Summary;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/** Reports for renderer tests: the bundled examples, and one full of hostile cluster text. */
final class Reports {
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  /** Text an attacker who can name objects or write events could plant. */
  static final String HOSTILE =
      "x | y `code` <img src=x onerror=alert(1)> *bold* _em_ [link](https://evil.example)"
          + " \\| &amp; ~~del~~\n# heading\n- item\n```\nfence\n````\u0000\u001b[31m\u0007"
          + "\ud800 end";

  private Reports() {}

  static Report example(String name, String... images) throws Exception {
    Snapshot snapshot =
        new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC))
            .read(List.of(Path.of("..", "examples", name)), null);
    return new RuleEngine(Rules.all()).run(Diagnosis.of(snapshot, NOW, true, List.of(images)), NOW);
  }

  /** A report whose every cluster-derived string is {@link #HOSTILE}, with each status once. */
  static Report hostile() throws Exception {
    Report base = example("abctl-missing-pull-secret");
    ObjectRef subject = ObjectRef.of("Secret", "airbyte", "regcred" + HOSTILE);
    String image = "ghcr.io/acme/source" + HOSTILE;
    List<Result> results =
        List.of(
            result("pullsecret.exists", Status.FAIL, subject, image)
                .withFix(
                    Fix.of(
                        "Create the secret " + HOSTILE + ":",
                        new Step.Manual(
                            "", "kubectl create secret docker-registry '" + HOSTILE + "'")))
                .withEvidence("names", List.of(HOSTILE)),
            result("pullsecret.format", Status.ERROR, subject, null)
                .withRemediation("kubectl auth can-i list secrets -n '" + HOSTILE + "'"),
            result("pullsecret.registry-match", Status.WARN, null, image)
                .withFix(Fix.of("Print it:", new Step.Manual("", "echo '" + HOSTILE + "'"))),
            result("image.reference", Status.PASS, null, image),
            result("launcher.pull-secret-env", Status.SKIP, subject, null));
    return new Report(
        NOW,
        new Source(SourceType.MANIFESTS, "dump" + HOSTILE, "airbyte" + HOSTILE),
        base.airbyte(),
        List.of(new TargetImage(image, image, TargetImage.Origin.FLAG, List.of(subject))),
        results,
        Summary.of(results));
  }

  private static Result result(String rule, Status status, ObjectRef subject, String image) {
    return new Result(
        rule,
        status,
        Severity.CRITICAL,
        subject,
        image,
        status.word() + ": " + HOSTILE,
        null,
        Map.of("detail", HOSTILE),
        null);
  }
}
