package dev.pulldoctor.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A daemon asks the launcher's access reviews again only when an RBAC object or the asking account
 * changed, or the answers are older than {@code --sar-max-age}: an idle cluster is not asked the
 * same five questions every run. Counted in the mock API server, which answers every review
 * "allowed" as a real one would.
 */
@EnableKubernetesMockClient(crud = true)
class AccessReviewCacheTest {
  private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");

  KubernetesMockServer server;
  KubernetesClient client;
  private List<SubjectAccessReview> asked = List.of();
  private final MovingClock clock = new MovingClock();
  private int counted;

  @BeforeEach
  void seedHealthyInstall() throws Exception {
    List<HasMetadata> objects =
        new ManifestReader()
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")))
            .objects();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("airbyte").endMetadata().build())
        .create();
    objects.forEach(o -> client.resource(o).create());
    asked = ReviewAnswers.allowEvery(server);
  }

  @Test
  void an_idle_cluster_is_asked_once_an_hour_and_again_when_rbac_changes() throws Exception {
    AccessReviewCache cache = new AccessReviewCache(Duration.ofHours(1), clock);

    List<AccessReview> first = collect(cache).accessReviews();
    int firstAsked = askedSinceLast();
    clock.advance(Duration.ofMinutes(5));
    List<AccessReview> second = collect(cache).accessReviews();

    assertThat(firstAsked).isEqualTo(first.size()).isPositive();
    assertThat(askedSinceLast()).as("reviews asked on an unchanged cluster").isZero();
    assertThat(second).isEqualTo(first);

    // Someone edits the launcher's RoleBinding: its resourceVersion changes, so the answers may.
    client
        .rbac()
        .roleBindings()
        .inNamespace("airbyte")
        .withName("airbyte-admin-binding")
        .edit(
            rb -> {
              rb.getMetadata().setLabels(Map.of("edited", "yes"));
              return rb;
            });
    clock.advance(Duration.ofMinutes(5));
    assertThat(collect(cache).accessReviews()).isEqualTo(first);
    assertThat(askedSinceLast())
        .as("reviews asked after a RoleBinding changed")
        .isEqualTo(firstAsked);

    clock.advance(Duration.ofMinutes(59));
    collect(cache);
    assertThat(askedSinceLast()).as("reviews asked within the hour").isZero();
    clock.advance(Duration.ofMinutes(2));
    collect(cache);
    assertThat(askedSinceLast()).as("reviews asked after an hour").isEqualTo(firstAsked);
  }

  @Test
  void the_one_shot_commands_and_a_zero_max_age_ask_every_time() throws Exception {
    collect(AccessReviewCache.NONE);
    int once = askedSinceLast();
    collect(AccessReviewCache.NONE);
    assertThat(askedSinceLast()).isEqualTo(once).isPositive();

    AccessReviewCache zero = new AccessReviewCache(Duration.ZERO, clock);
    collect(zero);
    collect(zero);
    assertThat(askedSinceLast()).isEqualTo(2 * once);
  }

  /** The reviews asked since the last call. */
  private int askedSinceLast() {
    int count = asked.size() - counted;
    counted = asked.size();
    return count;
  }

  private Snapshot collect(AccessReviewCache cache) throws ClusterUnreachableException {
    return new ClusterCollector(client, clock, cache).collect("airbyte", "mock");
  }

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    private Instant now = START;

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
