package dev.pulldoctor.agent.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's Prometheus registry: pulldoctor's own metrics, JVM and process metrics, and the
 * filters that keep the exposition clean for {@code promtool check metrics} and label sets bounded.
 */
public final class Metrics implements AutoCloseable {
  /** The most distinct {@code registry} label values kept; more registries are not exported. */
  public static final int MAX_REGISTRIES = 20;

  private static final Logger logger = LoggerFactory.getLogger(Metrics.class);
  private static final String REGISTRY_METRICS = "pulldoctor.registry";

  /**
   * How old a scrape's JVM and process figures (memory, threads, CPU, GC) may be: a Prometheus
   * server scrapes every 15 s or more, so it sees figures at most this much older than its scrape.
   * pulldoctor's own metrics are re-rendered when a run ends ({@link #refresh}).
   */
  public static final Duration MAX_AGE = Duration.ofSeconds(5);

  private final PrometheusMeterRegistry registry;
  private final List<AutoCloseable> binders;
  private final LongSupplier nanoTime;
  // Rendering the registry takes milliseconds (23 KB of text); a scrape writes the last rendering.
  private final AtomicReference<@Nullable Rendered> rendered = new AtomicReference<>();
  private final AtomicLong changes = new AtomicLong();
  private final ReentrantLock rendering = new ReentrantLock();
  // What gauges read at scrape time (the daemon's state): a rendering made before it changed is
  // never served after, so /metrics agrees with /readyz the moment the state changes, without
  // waiting for the run's listeners to call refresh.
  private volatile Supplier<@Nullable Object> version = () -> null;

  private Metrics(
      PrometheusMeterRegistry registry, List<AutoCloseable> binders, LongSupplier nanoTime) {
    this.registry = registry;
    this.binders = binders;
    this.nanoTime = nanoTime;
  }

  /** One rendering: when, after which change, and the text (never handed out to be changed). */
  private static final class Rendered {
    final long atNanos;
    final long change;
    final @Nullable Object version;
    final byte[] text;

    Rendered(long atNanos, long change, @Nullable Object version, byte[] text) {
      this.atNanos = atNanos;
      this.change = change;
      this.version = version;
      this.text = text;
    }
  }

  /** A registry with the JVM and process metrics and {@code pulldoctor_build_info}. */
  public static Metrics create(String version) {
    return create(version, System::nanoTime);
  }

  static Metrics create(String version, LongSupplier nanoTime) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry
        .config()
        // Micrometer exports these two in ms and ns under names promtool rejects ("abbreviated
        // units"); they come back below in seconds, under the names Prometheus clients use.
        .meterFilter(MeterFilter.deny(id -> isUnit(id, "jvm.compilation.time", "ms")))
        .meterFilter(MeterFilter.deny(id -> isUnit(id, "process.cpu.time", "ns")))
        // A gauge must not end in _count (promtool: reserved for histograms and summaries).
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count")
                    ? id.withName("system.cpu.logical")
                    : id;
              }
            })
        .meterFilter(
            MeterFilter.maximumAllowableTags(
                REGISTRY_METRICS, "registry", MAX_REGISTRIES, MeterFilter.deny()));
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    JvmThreadMetrics threads = new JvmThreadMetrics();
    threads.bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    bindSeconds(registry);
    Gauge.builder("pulldoctor.build.info", () -> 1)
        .description("pulldoctor's version; always 1")
        .tag("version", version)
        .register(registry);
    return new Metrics(registry, List.of(gc), nanoTime);
  }

  private static boolean isUnit(Meter.Id id, String name, String unit) {
    return id.getName().equals(name) && unit.equals(id.getBaseUnit());
  }

  private static void bindSeconds(MeterRegistry registry) {
    CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
    if (compilation != null && compilation.isCompilationTimeMonitoringSupported()) {
      FunctionCounter.builder(
              "jvm.compilation.time", compilation, c -> c.getTotalCompilationTime() / 1_000.0)
          .description("Time the JIT compiler spent compiling")
          .baseUnit("seconds")
          .register(registry);
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean process) {
      FunctionCounter.builder("process.cpu", process, p -> p.getProcessCpuTime() / 1e9)
          .description("CPU time used by the agent's process")
          .baseUnit("seconds")
          .register(registry);
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition (version 0.0.4), rendered now. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Makes renderings depend on {@code version} (compared by identity, read before each rendering):
   * a rendering made for another version is never served.
   */
  public void versionedBy(Supplier<@Nullable Object> version) {
    this.version = version;
  }

  /**
   * The exposition as UTF-8, as last rendered: re-rendered after {@link #refresh}, when the {@link
   * #versionedBy version} changed, or once it is {@link #MAX_AGE} old. While one caller re-renders
   * for age or a refresh, the others get the previous rendering, so a scrape never waits behind
   * another; after a version change every caller waits for a current one.
   */
  public byte[] scrapeBytes() {
    Object current = version.get();
    Rendered last = rendered.get();
    if (last != null && fits(last, current)) {
      return last.text;
    }
    if (last == null || last.version != current) {
      rendering.lock();
    } else if (!rendering.tryLock()) {
      return last.text;
    }
    try {
      Rendered meanwhile = rendered.get();
      return meanwhile != null && meanwhile != last && fits(meanwhile, current)
          ? meanwhile.text
          : render().text;
    } finally {
      rendering.unlock();
    }
  }

  private boolean fits(Rendered rendering, @Nullable Object current) {
    return rendering.version == current
        && rendering.change == changes.get()
        && nanoTime.getAsLong() - rendering.atNanos < MAX_AGE.toNanos();
  }

  /**
   * pulldoctor's metrics changed (a run ended, a watch restarted): renders them now, on the
   * caller's thread, so that no scrape pays for it; the next scrape shows the change either way.
   */
  public void refresh() {
    changes.incrementAndGet();
    if (rendering.tryLock()) {
      try {
        render();
      } finally {
        rendering.unlock();
      }
    }
  }

  private Rendered render() {
    // Read before rendering: a change during the rendering makes the next scrape render again.
    long change = changes.get();
    Object current = version.get();
    Rendered fresh =
        new Rendered(
            nanoTime.getAsLong(),
            change,
            current,
            registry.scrape().getBytes(StandardCharsets.UTF_8));
    rendered.set(fresh);
    return fresh;
  }

  @Override
  public void close() {
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception e) {
        logger.debug("closing a metrics binder failed: {}", e.getClass().getName());
      }
    }
    registry.close();
  }
}
