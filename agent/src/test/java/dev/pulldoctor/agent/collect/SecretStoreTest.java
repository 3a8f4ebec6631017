package dev.pulldoctor.agent.collect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.model.ReducedSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The daemon's store of watched Secrets keeps their redacted views only: no value of a pull secret,
 * of a Secret named by Airbyte of another type, or anything outside its selection.
 */
class SecretStoreTest {
  private static final String CANARY = "c4n4ry-St0re-77ab";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void a_pull_secret_is_kept_as_its_view_and_its_stub_holds_no_data() {
    SecretStore store = new SecretStore(s -> "kubernetes.io/dockerconfigjson".equals(s.getType()));
    Secret pull = pullSecret("regcred", CANARY);

    store.put(store.getKey(pull), pull);

    ReducedSecrets reduced = SecretStore.reduced(List.of(store));
    assertThat(reduced.secrets())
        .singleElement()
        .satisfies(s -> assertThat(s.name()).isEqualTo("regcred"));
    assertThat(store.values())
        .singleElement()
        .satisfies(stub -> assertThat(stub.getData()).isNullOrEmpty());
    assertNoCanary(JSON.asJson(store.values().toList()) + reduced);
  }

  @Test
  void a_secret_outside_the_selection_is_not_kept_and_replaces_nothing() {
    SecretStore store = new SecretStore(s -> "kubernetes.io/dockerconfigjson".equals(s.getType()));
    Secret opaque =
        new SecretBuilder()
            .withNewMetadata()
            .withName("airbyte-airbyte-secrets")
            .withNamespace("airbyte")
            .withResourceVersion("7")
            .endMetadata()
            .withType("Opaque")
            .withData(Map.of("DATABASE_PASSWORD", b64(CANARY)))
            .build();

    store.put(store.getKey(opaque), opaque);

    assertThat(store.size()).isZero();
    assertThat(SecretStore.reduced(List.of(store)).secrets()).isEmpty();
  }

  @Test
  void a_named_secret_of_another_type_keeps_its_type_and_key_names_not_its_values() {
    SecretStore store = new SecretStore(s -> "regcred".equals(s.getMetadata().getName()));
    Secret wrongType = new SecretBuilder(pullSecret("regcred", CANARY)).withType("Opaque").build();

    store.put(store.getKey(wrongType), wrongType);

    ReducedSecrets reduced = SecretStore.reduced(List.of(store));
    assertThat(reduced.secrets())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.type()).isEqualTo("Opaque");
              assertThat(s.toString()).contains(".dockerconfigjson");
            });
    assertNoCanary(JSON.asJson(store.values().toList()) + reduced);
  }

  @Test
  void a_rotation_replaces_the_view_and_a_deletion_forgets_it() {
    SecretStore store = new SecretStore(s -> true);
    Secret first = pullSecret("regcred", CANARY);
    Secret rotated = pullSecret("regcred", CANARY + "-2");
    rotated.getMetadata().setResourceVersion("8");

    store.put(store.getKey(first), first);
    Secret before = store.put(store.getKey(rotated), rotated);

    assertThat(before.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(SecretStore.reduced(List.of(store)).secrets()).hasSize(1);
    store.remove(store.getKey(rotated));
    assertThat(SecretStore.reduced(List.of(store)).secrets()).isEmpty();
  }

  private static Secret pullSecret(String name, String password) {
    String config =
        "{\"auths\":{\"registry.example.com\":{\"username\":\"robot\",\"password\":\""
            + password
            + "\",\"auth\":\""
            + b64("robot:" + password)
            + "\"}}}";
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("airbyte")
        .withResourceVersion("7")
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(Map.of(".dockerconfigjson", b64(config)))
        .build();
  }

  private static void assertNoCanary(String dump) {
    for (String form :
        List.of(CANARY, b64(CANARY), b64("robot:" + CANARY), "c4n4ry", "St0re", "77ab")) {
      assertThat(dump).doesNotContain(form);
    }
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
