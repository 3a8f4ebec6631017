package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import org.jspecify.annotations.Nullable;

/**
 * What a cache keeps of an object's metadata: its name, namespace (shared), uid, creation time, and
 * the resourceVersion by which the informer tells a change from the same object sent again.
 */
record KeptMeta(
    @Nullable String name,
    @Nullable String namespace,
    @Nullable String uid,
    @Nullable String resourceVersion,
    @Nullable String created) {

  static KeptMeta of(@Nullable ObjectMeta meta) {
    ObjectMeta read = meta == null ? new ObjectMeta() : meta;
    return new KeptMeta(
        read.getName(),
        Interned.text(read.getNamespace()),
        read.getUid(),
        read.getResourceVersion(),
        read.getCreationTimestamp());
  }

  /** The metadata again; a kind sets the fields it keeps besides these. */
  ObjectMeta restore() {
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(namespace);
    meta.setUid(uid);
    meta.setResourceVersion(resourceVersion);
    meta.setCreationTimestamp(created);
    return meta;
  }
}
