package dev.pulldoctor.agent.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * A test that leaves a process running fails, and the process is stopped; one that stops it passes.
 */
class ProcessLeakCheckTest {
  private static volatile boolean fixtures;
  private static volatile @Nullable Process leaked;

  static boolean fixtures() {
    return fixtures;
  }

  /** Run only by the tests below, through their own launcher. */
  @ExtendWith(ProcessLeakCheck.class)
  @EnabledIf("dev.pulldoctor.agent.testsupport.ProcessLeakCheckTest#fixtures")
  static class LeavesASleepRunning {
    @Test
    void starts_sleep() throws IOException {
      leaked = new ProcessBuilder("sleep", "300").start();
    }
  }

  @ExtendWith(ProcessLeakCheck.class)
  @EnabledIf("dev.pulldoctor.agent.testsupport.ProcessLeakCheckTest#fixtures")
  static class StopsItsSleep {
    @Test
    void starts_and_stops_sleep() throws Exception {
      Process sleep = new ProcessBuilder("sleep", "300").start();
      sleep.destroy();
      assertThat(sleep.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void a_process_left_running_fails_the_test_and_is_destroyed() throws Exception {
    TestExecutionSummary summary = run(LeavesASleepRunning.class);

    assertThat(summary.getTestsSucceededCount()).isZero();
    List<TestExecutionSummary.Failure> failures = summary.getFailures();
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0).getException())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("test starts_sleep() left 1 process(es) running")
        .hasMessageContaining("sleep 300");
    Process process = Objects.requireNonNull(leaked, "the fixture started sleep");
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("destroyed").isTrue();
  }

  @Test
  void a_process_stopped_by_its_test_passes() {
    TestExecutionSummary summary = run(StopsItsSleep.class);

    assertThat(summary.getFailures()).isEmpty();
    assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
  }

  private static TestExecutionSummary run(Class<?> fixture) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    fixtures = true;
    try {
      LauncherFactory.create()
          .execute(
              LauncherDiscoveryRequestBuilder.request().selectors(selectClass(fixture)).build(),
              listener);
    } finally {
      fixtures = false;
    }
    return listener.getSummary();
  }
}
