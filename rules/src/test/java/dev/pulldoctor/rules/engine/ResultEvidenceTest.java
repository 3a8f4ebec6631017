package dev.pulldoctor.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.classify.PullErrorCause;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed evidence other modules read is plain evidence in the report, under its old keys. */
class ResultEvidenceTest {
  private static final Result BARE =
      new Result(
          "events.pull-failures",
          Status.FAIL,
          Severity.CRITICAL,
          null,
          null,
          "m",
          null,
          Map.of(),
          null);

  @Test
  void typed_evidence_is_printed_under_the_keys_the_report_contract_names() {
    Result result =
        BARE.withCause(PullErrorCause.NOT_FOUND)
            .withRegistry("ghcr.io")
            .withDependsOn(List.of("registry.image-exists"));

    assertThat(result.evidence())
        .containsEntry("cause", "not_found")
        .containsEntry("registry", "ghcr.io")
        .containsEntry(Result.DEPENDS_ON, List.of("registry.image-exists"));
    assertThat(result.cause()).contains(PullErrorCause.NOT_FOUND);
    assertThat(result.registry()).contains("ghcr.io");
    assertThat(result.dependsOn()).containsExactly("registry.image-exists");
  }

  @Test
  void evidence_written_by_hand_or_read_back_is_typed_only_when_it_is_well_formed() {
    assertThat(BARE.cause()).isEmpty();
    assertThat(BARE.registry()).isEmpty();
    assertThat(BARE.dependsOn()).isEmpty();
    assertThat(BARE.withEvidence("cause", "no_such_cause").cause()).isEmpty();
    assertThat(BARE.withEvidence("cause", 3).cause()).isEmpty();
    assertThat(BARE.withEvidence("registry", List.of("ghcr.io")).registry()).isEmpty();
  }
}
