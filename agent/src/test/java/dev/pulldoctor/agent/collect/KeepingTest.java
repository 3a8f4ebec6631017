package dev.pulldoctor.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.Fixture;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.model.Snapshot;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the daemon's caches keep is enough: on every rule fixture, the rules find exactly what they
 * find on the objects as listed, once the pods, events and every other cached kind have gone
 * through the keeping of their cache ({@link Pruning#of}) and been made again. Events are compared
 * as {@code diagnose} reads them, reduced ({@link EventReducer}).
 */
class KeepingTest {
  private static final Path FIXTURES = Path.of("../rules/src/test/resources/fixtures");
  private static final RuleEngine ENGINE = new RuleEngine(Rules.all());

  static Stream<Path> fixtures() throws Exception {
    return Fixture.all(FIXTURES).stream();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void the_rules_find_on_what_the_caches_keep_what_they_find_on_the_listed_objects(Path file)
      throws Exception {
    Fixture fixture = Fixture.load(file);
    Snapshot listed = asDiagnoseReadsIt(fixture.diagnosis().snapshot());
    List<Result> fromListed = evaluate(fixture, listed);

    Snapshot cached = throughTheCaches(listed);

    assertThat(evaluate(fixture, cached)).isEqualTo(fromListed);
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void a_kept_event_is_made_again_equal_to_the_reduced_event(Path file) throws Exception {
    for (Event event : Fixture.load(file).diagnosis().snapshot().events()) {
      Event reduced = Pruning.event(event);
      if (reduced != null) {
        assertThat(KeptEvent.of(reduced).restore()).isEqualTo(reduced);
      }
    }
  }

  private static List<Result> evaluate(Fixture fixture, Snapshot snapshot) {
    Diagnosis diagnosis =
        Diagnosis.of(
            snapshot, fixture.diagnosis().now(), fixture.diagnosis().offline(), fixture.images());
    return ENGINE.evaluate(diagnosis);
  }

  /** What to do with the objects of one kind. */
  private interface PerKind {
    <T extends HasMetadata> List<T> apply(Kind<T> kind, List<T> objects);
  }

  /** Events reduced, as every collection reads them; the rest as listed. */
  private static Snapshot asDiagnoseReadsIt(Snapshot s) {
    return rebuilt(s, KeepingTest::reducedEvents);
  }

  private static Snapshot throughTheCaches(Snapshot s) {
    return rebuilt(s, KeepingTest::kept);
  }

  /** The snapshot with each cached kind's objects passed through {@code f}. */
  private static Snapshot rebuilt(Snapshot s, PerKind f) {
    return new Snapshot(
        s.capturedAt(),
        s.source(),
        f.apply(Kind.DEPLOYMENTS, s.deployments()),
        f.apply(Kind.PODS, s.pods()),
        f.apply(Kind.EVENTS, s.events()),
        f.apply(Kind.CONFIG_MAPS, s.configMaps()),
        f.apply(Kind.SERVICE_ACCOUNTS, s.serviceAccounts()),
        s.secrets(),
        s.helmReleases(),
        f.apply(Kind.NODES, s.nodes()),
        f.apply(Kind.ROLES, s.roles()),
        f.apply(Kind.ROLE_BINDINGS, s.roleBindings()),
        f.apply(Kind.CLUSTER_ROLES, s.clusterRoles()),
        f.apply(Kind.CLUSTER_ROLE_BINDINGS, s.clusterRoleBindings()),
        f.apply(Kind.NETWORK_POLICIES, s.networkPolicies()),
        s.accessReviews(),
        s.connectorDiscoveries(),
        s.registryObservations(),
        s.collectionErrors());
  }

  @SuppressWarnings("unchecked") // events are Events
  private static <T extends HasMetadata> List<T> reducedEvents(Kind<T> kind, List<T> objects) {
    return kind.equals(Kind.EVENTS)
        ? (List<T>)
            objects.stream()
                .map(Event.class::cast)
                .filter(EventReducer::canMatter)
                .map(EventReducer::reduce)
                .toList()
        : objects;
  }

  /** Each object put in a store of {@code kind} and read back, as a run reads the cache. */
  private static <T extends HasMetadata> List<T> kept(Kind<T> kind, List<T> objects) {
    PrunedStore<T, ?> store = PrunedStore.of(Pruning.of(kind), Integer.MAX_VALUE);
    for (T object : objects) {
      store.put(store.getKey(object), object);
    }
    // In the order the daemon's runs read them (ChangeWatcher.objects): by name.
    return store
        .values()
        .sorted(Comparator.comparing((T o) -> String.valueOf(o.getMetadata().getName())))
        .toList();
  }
}
