package dev.pulldoctor.rules.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The times a SecretInfo keeps: creation, and the last write from managedFields. */
class SecretInfoTest {

  private static Secret secret(String created, String... writes) {
    SecretBuilder builder =
        new SecretBuilder()
            .withNewMetadata()
            .withName("ecr-pull")
            .withNamespace("airbyte")
            .withCreationTimestamp(created)
            .endMetadata()
            .withType("Opaque");
    Secret secret = builder.build();
    if (writes.length > 0) {
      secret
          .getMetadata()
          .setManagedFields(
              List.of(writes).stream()
                  .map(
                      t ->
                          new ManagedFieldsEntryBuilder()
                              .withManager("kubectl-client-side-apply")
                              .withOperation("Update")
                              .withTime(t)
                              .build())
                  .toList());
    }
    return secret;
  }

  @Test
  void last_write_is_the_newest_managed_fields_time() {
    SecretInfo info =
        SecretInfo.from(
            secret("2026-11-02T14:00:00Z", "2026-11-02T14:00:00Z", "2026-11-23T08:00:00Z"));

    assertThat(info.createdAt()).isEqualTo(Instant.parse("2026-11-02T14:00:00Z"));
    assertThat(info.lastWrittenAt()).isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
    assertThat(info.writtenAt()).isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
  }

  @Test
  void without_managed_fields_the_creation_time_is_the_last_write() {
    SecretInfo info = SecretInfo.from(secret("2026-11-22T08:00:00Z"));

    assertThat(info.lastWrittenAt()).isNull();
    assertThat(info.writtenAt()).isEqualTo(Instant.parse("2026-11-22T08:00:00Z"));
  }

  @Test
  void unparsable_times_are_ignored() {
    SecretInfo info = SecretInfo.from(secret("yesterday", "not-a-time"));

    assertThat(info.createdAt()).isNull();
    assertThat(info.lastWrittenAt()).isNull();
    assertThat(info.writtenAt()).isNull();
  }

  @Test
  void a_managed_fields_time_older_than_creation_does_not_win() {
    SecretInfo info =
        new SecretInfo(
            "airbyte",
            "ecr-pull",
            "Opaque",
            List.of(),
            Instant.parse("2026-11-22T08:00:00Z"),
            Instant.parse("2026-11-20T08:00:00Z"),
            null,
            Map.of());

    assertThat(info.writtenAt()).isEqualTo(Instant.parse("2026-11-22T08:00:00Z"));
  }
}
