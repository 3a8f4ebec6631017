package dev.pulldoctor.agent.cli;

/** Entry point of the {@code pulldoctor} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(0);
  }
}
