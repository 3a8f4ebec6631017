package dev.pulldoctor.agent.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The full collection after a run happens under the serial collector (the image's) only. */
class HeapReturnTest {
  private static final RunRecord RUN =
      new RunRecord(
          RunTrigger.SCHEDULE, RunOutcome.SUCCESS, Instant.EPOCH, Duration.ZERO, null, null);

  @Test
  void under_the_serial_collector_a_run_is_followed_by_a_full_collection() {
    long before = fullCollections();

    HeapReturn.forCollectors(List.of("Copy", "MarkSweepCompact")).accept(RUN);

    assertThat(fullCollections()).isGreaterThan(before);
  }

  @Test
  void under_another_collector_a_run_is_followed_by_none() {
    long before = fullCollections();

    HeapReturn.forCollectors(List.of("G1 Young Generation", "G1 Old Generation")).accept(RUN);

    assertThat(fullCollections()).isEqualTo(before);
  }

  /** This JVM's old-generation (full) collections, whichever collector it runs. */
  private static long fullCollections() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .filter(gc -> gc.getName().contains("Old") || gc.getName().equals("MarkSweepCompact"))
        .mapToLong(GarbageCollectorMXBean::getCollectionCount)
        .sum();
  }
}
