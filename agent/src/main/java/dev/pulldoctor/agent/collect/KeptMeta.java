package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.jspecify.annotations.Nullable;

/**
 * What a cache keeps of an object's metadata: its name and namespace (shared), uid, creation time,
 * and the resourceVersion by which the informer tells a change from the same object sent again.
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

  /** A builder of the metadata again, for the fields a kind keeps besides these. */
  ObjectMetaBuilder restore() {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withUid(uid)
        .withResourceVersion(resourceVersion)
        .withCreationTimestamp(created);
  }
}
