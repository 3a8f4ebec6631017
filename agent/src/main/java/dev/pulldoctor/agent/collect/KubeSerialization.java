package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The process's one fabric8 serialization (a Jackson {@code ObjectMapper} configured for the
 * Kubernetes model), shared by every client, the manifest reader and the bundle code.
 *
 * <p>Why one: fabric8 makes a new serialization for each client it builds, and each fills its own
 * Jackson deserializer caches for the model (Pod alone reaches some hundred classes) the first time
 * it reads a kind: time on every new client, and a second copy of the caches in a process that
 * holds two. The mapper is thread-safe once configured, and nothing here configures it further.
 */
public final class KubeSerialization {
  private static final KubernetesSerialization SHARED = new KubernetesSerialization();

  private KubeSerialization() {}

  /** The shared serialization. */
  public static KubernetesSerialization shared() {
    return SHARED;
  }
}
