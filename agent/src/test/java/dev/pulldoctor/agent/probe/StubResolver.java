package dev.pulldoctor.agent.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Answers from a fixed table and records the questions: no test makes a real DNS query. */
public final class StubResolver implements Resolver {
  private final Map<String, List<InetAddress>> answers;
  private final List<String> asked = new CopyOnWriteArrayList<>();

  StubResolver(Map<String, List<InetAddress>> answers) {
    this.answers = Map.copyOf(answers);
  }

  public static StubResolver empty() {
    return new StubResolver(Map.of());
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    asked.add(host);
    List<InetAddress> found = answers.get(host);
    if (found == null) {
      throw new UnknownHostException(host);
    }
    return found;
  }

  public List<String> asked() {
    return List.copyOf(asked);
  }
}
