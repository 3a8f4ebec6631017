package dev.pulldoctor.agent.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every process a test starts is stopped by it. The classes that start processes (bin/pulldoctor,
 * serve, child JVMs, docker-registry, shells, promtool...) register it with {@code ExtendWith}.
 *
 * <p>Before each test (and before the class's {@code @BeforeAll}), it notes the descendants of this
 * JVM. After the test (after its {@code @AfterEach}; for the class, after {@code @AfterAll}), a
 * descendant that was not there before and is still alive after {@link #GRACE} fails the test,
 * naming its command line, and is destroyed with its own descendants, so that it cannot disturb the
 * tests after it (a port kept, a CPU kept busy).
 *
 * <p>A process meant to live as long as the test JVM (the docker-registry pair {@code
 * RealRegistries} starts once and stops in a shutdown hook) is declared with {@link
 * #sharedUntilExit}.
 */
public final class ProcessLeakCheck
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  /** How long a process may take to exit after the test that started it ended. */
  public static final Duration GRACE = Duration.ofSeconds(5);

  private static final Set<Long> SHARED = ConcurrentHashMap.newKeySet();
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ProcessLeakCheck.class);

  /** {@code process} (and what it starts) lives until the JVM exits, on purpose. */
  public static void sharedUntilExit(ProcessHandle process) {
    SHARED.add(process.pid());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    remember(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    remember(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check(context, "test " + context.getDisplayName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check(context, "class " + context.getDisplayName() + " (@BeforeAll/@AfterAll)");
  }

  private static void remember(ExtensionContext context) {
    context.getStore(NAMESPACE).put(key(context), pids(descendants()));
  }

  private static String key(ExtensionContext context) {
    return "before:" + context.getUniqueId();
  }

  private static void check(ExtensionContext context, String what) {
    @SuppressWarnings("unchecked")
    Set<Long> before = context.getStore(NAMESPACE).remove(key(context), Set.class);
    if (before == null) {
      return;
    }
    List<ProcessHandle> left = started(before);
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (ProcessHandle process : left) {
      long wait = Math.max(0, deadline - System.nanoTime());
      try {
        process.onExit().get(wait, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // still running: reported below
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    List<ProcessHandle> alive = left.stream().filter(ProcessHandle::isAlive).toList();
    if (alive.isEmpty()) {
      return;
    }
    String described =
        alive.stream().map(ProcessLeakCheck::describe).collect(Collectors.joining("; "));
    alive.forEach(ProcessLeakCheck::destroyTree);
    throw new AssertionError(
        what
            + " left "
            + alive.size()
            + " process(es) running "
            + GRACE.toSeconds()
            + " s after it ended (now destroyed): "
            + described);
  }

  /** The descendants started since {@code before}, not shared, alive. */
  private static List<ProcessHandle> started(Set<Long> before) {
    Set<Long> shared = sharedTree();
    List<ProcessHandle> started = new ArrayList<>();
    for (ProcessHandle process : descendants()) {
      if (!before.contains(process.pid()) && !shared.contains(process.pid()) && process.isAlive()) {
        started.add(process);
      }
    }
    return started;
  }

  private static Set<Long> sharedTree() {
    Set<Long> tree = ConcurrentHashMap.newKeySet();
    for (long pid : SHARED) {
      ProcessHandle.of(pid)
          .ifPresent(
              p -> {
                tree.add(pid);
                p.descendants().forEach(d -> tree.add(d.pid()));
              });
    }
    return tree;
  }

  private static List<ProcessHandle> descendants() {
    return ProcessHandle.current().descendants().toList();
  }

  private static Set<Long> pids(List<ProcessHandle> processes) {
    return processes.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
  }

  private static String describe(ProcessHandle process) {
    ProcessHandle.Info info = process.info();
    String command = info.commandLine().or(info::command).orElse("(command unknown)");
    // a child JVM's class path runs to kilobytes
    return "pid "
        + process.pid()
        + " "
        + (command.length() > 400 ? command.substring(0, 400) + "..." : command);
  }

  private static void destroyTree(ProcessHandle process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process);
    tree.forEach(ProcessHandle::destroy);
    for (ProcessHandle p : tree) {
      try {
        p.onExit().get(2, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        p.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
