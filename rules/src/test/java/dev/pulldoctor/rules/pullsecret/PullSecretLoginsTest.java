package dev.pulldoctor.rules.pullsecret;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PullSecretLoginsTest {
  private static final String JSON_TYPE = "kubernetes.io/dockerconfigjson";

  @Test
  void auth_field_wins_over_username_and_password_as_in_the_kubelet() {
    String payload =
        "{\"auths\":{\"registry.example.com\":{\"username\":\"other\",\"password\":\"other-pw\","
            + "\"auth\":\""
            + b64("robot:s3cret:with:colons")
            + "\"}}}";

    Optional<Login> login = find(JSON_TYPE, payload, "registry.example.com");

    assertThat(login)
        .hasValueSatisfying(
            l -> {
              assertThat(l.username()).isEqualTo("robot");
              assertThat(l.password()).isEqualTo("s3cret:with:colons");
              assertThat(l.secretName()).isEqualTo("regcred");
            });
  }

  @Test
  void username_and_password_fields_without_auth() {
    String payload =
        "{\"auths\":{\"https://index.docker.io/v1/\":{\"username\":\"robot\",\"password\":\"pw\"}}}";

    assertThat(find(JSON_TYPE, payload, "https://index.docker.io/v1/"))
        .hasValueSatisfying(l -> assertThat(l.password()).isEqualTo("pw"));
  }

  @Test
  void finds_an_entry_by_its_redacted_key() {
    String payload =
        "{\"auths\":{\"https://u:p@registry.example.com\":{\"auth\":\"" + b64("a:b") + "\"}}}";

    assertThat(find(JSON_TYPE, payload, "https://REDACTED@registry.example.com"))
        .hasValueSatisfying(l -> assertThat(l.username()).isEqualTo("a"));
  }

  @Test
  void later_duplicate_key_wins_like_a_go_map() {
    String payload =
        "{\"auths\":{\"r.example.com\":{\"auth\":\""
            + b64("first:1")
            + "\"},\"r.example.com\":{\"auth\":\""
            + b64("second:2")
            + "\"}}}";

    assertThat(find(JSON_TYPE, payload, "r.example.com"))
        .hasValueSatisfying(l -> assertThat(l.username()).isEqualTo("second"));
  }

  @Test
  void auths_null_forgets_entries_read_before() {
    String payload =
        "{\"auths\":{\"r.example.com\":{\"auth\":\"" + b64("a:b") + "\"}},\"auths\":null}";

    assertThat(find(JSON_TYPE, payload, "r.example.com")).isEmpty();
  }

  @Test
  void legacy_dockercfg_from_base64_data() {
    String payload = "{\"r.example.com\":{\"auth\":\"" + b64("legacy:pw") + "\"}}";
    Optional<Login> login =
        PullSecretLogins.find(
            "old",
            "kubernetes.io/dockercfg",
            Map.of(".dockercfg", b64(payload)),
            Map.of(),
            "r.example.com");

    assertThat(login).hasValueSatisfying(l -> assertThat(l.username()).isEqualTo("legacy"));
  }

  @Test
  void nothing_for_unusable_input() {
    assertThat(find(JSON_TYPE, "{not json", "r.example.com")).isEmpty();
    assertThat(find("Opaque", "{\"auths\":{}}", "r.example.com")).isEmpty();
    assertThat(find(JSON_TYPE, "{\"auths\":{\"r.example.com\":{}}}", "r.example.com")).isEmpty();
    assertThat(
            find(JSON_TYPE, "{\"auths\":{\"r.example.com\":{\"auth\":\"%%%\"}}}", "r.example.com"))
        .isEmpty();
    assertThat(
            find(
                JSON_TYPE,
                "{\"auths\":{\"r.example.com\":{\"auth\":\"" + b64("nocolon") + "\"}}}",
                "r.example.com"))
        .isEmpty();
    assertThat(
            find(
                JSON_TYPE,
                "{\"auths\":{\"other.example.com\":{\"auth\":\"" + b64("a:b") + "\"}}}",
                "r.example.com"))
        .isEmpty();
    assertThat(
            PullSecretLogins.find(
                "x", JSON_TYPE, Map.of(".dockerconfigjson", "not base64!"), Map.of(), "r"))
        .isEmpty();
    assertThat(PullSecretLogins.find("x", JSON_TYPE, Map.of(), Map.of(), "r")).isEmpty();
  }

  @Test
  void to_string_never_shows_the_password() {
    Login login = new Login("regcred", "registry.example.com", "robot", "hunter2-canary");

    assertThat(login.toString()).doesNotContain("hunter2").doesNotContain("robot");
  }

  private static Optional<Login> find(String type, String payload, String key) {
    return PullSecretLogins.find(
        "regcred", type, Map.of(), Map.of(".dockerconfigjson", payload), key);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
