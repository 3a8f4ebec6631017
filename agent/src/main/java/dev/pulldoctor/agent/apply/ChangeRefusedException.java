package dev.pulldoctor.agent.apply;

/**
 * The API server refused a change of the plan: the object moved since the diagnosis (a {@code test}
 * of the patch failed, or a new object's name is taken), or the change is not allowed. The message
 * names the object; {@link #applied} says how many changes were made before it.
 */
public final class ChangeRefusedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int applied;

  public ChangeRefusedException(String message, int applied) {
    super(message);
    this.applied = applied;
  }

  public int applied() {
    return applied;
  }
}
