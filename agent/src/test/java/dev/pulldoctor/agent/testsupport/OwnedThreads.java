package dev.pulldoctor.agent.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The threads one piece of code under test starts, for leak checks that must not count the rest of
 * the JVM (other tests' idle pools, the mock API server's threads, JUnit's and surefire's).
 *
 * <p>{@link #create} runs the code that builds the object under test (a daemon, its Kubernetes
 * client) on a thread of a {@link ThreadGroup} of its own. A thread is created in the group of the
 * thread that creates it, and an executor's default thread factory keeps the group it was made in,
 * so every thread the object starts then, and every thread those start later, is in the group:
 * {@link #alive()} counts exactly them.
 */
public final class OwnedThreads {
  private final ThreadGroup group;

  public OwnedThreads(String name) {
    this.group = new ThreadGroup(name);
  }

  /** Runs {@code call} on a new thread of the group and returns what it returns. */
  public <T> T create(Callable<T> call) throws Exception {
    AtomicReference<@Nullable T> result = new AtomicReference<>();
    AtomicReference<@Nullable Exception> failure = new AtomicReference<>();
    Thread creator =
        new Thread(
            group,
            () -> {
              try {
                result.set(call.call());
              } catch (Exception e) {
                failure.set(e);
              }
            },
            group.getName() + "-creator");
    creator.start();
    creator.join();
    Exception e = failure.get();
    if (e != null) {
      throw e;
    }
    T value = result.get();
    if (value == null) {
      throw new IllegalStateException(group.getName() + ": nothing was created");
    }
    return value;
  }

  /** The live threads of the group (the code's own and the ones they started). */
  public List<Thread> threads() {
    Thread[] threads = new Thread[group.activeCount() + 32];
    int count = group.enumerate(threads, true);
    while (count == threads.length) { // the group grew meanwhile: some were left out
      threads = new Thread[threads.length * 2];
      count = group.enumerate(threads, true);
    }
    List<Thread> alive = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (threads[i].isAlive()) {
        alive.add(threads[i]);
      }
    }
    return alive;
  }

  /** How many threads of the group are alive. */
  public int alive() {
    return threads().size();
  }
}
