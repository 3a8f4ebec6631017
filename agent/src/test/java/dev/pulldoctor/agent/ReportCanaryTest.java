package dev.pulldoctor.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pulldoctor.agent.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A registry that echoes a pull secret's password into the kubelet's message (as is, in a URL,
 * URL-encoded, hex, base64 of the password and of user:password, JSON-escaped) gets none of it into
 * any report format or into a bundle; and bidi controls and Unicode tag characters in such a
 * message are shown escaped, never passed on.
 */
class ReportCanaryTest {
  // '#' and '/' so that URL-encoding changes it; no fragment is hex or a word of any output.
  private static final String CANARY = "c4n4ry#P4ss/Zq7x";
  private static final String USER = "robot-canary";
  // U+202E (right-to-left override) and U+E0041 (TAG LATIN CAPITAL LETTER A).
  private static final String BIDI = "\u202E";
  private static final String TAG = new String(Character.toChars(0xE0041));

  @TempDir Path dir;

  /** The canary as a registry may echo it; the kubelet's quote keeps a message's tail. */
  private static String encoded(String encoding) {
    return switch (encoding) {
      case "url-userinfo" -> "https://" + USER + ":" + CANARY + "@ghcr.io/token";
      case "raw" -> CANARY;
      case "url-encoded" -> URLEncoder.encode(CANARY, StandardCharsets.UTF_8);
      case "hex" -> hex(CANARY);
      case "HEX" -> hex(CANARY).toUpperCase(Locale.ROOT);
      case "base64" -> b64(CANARY);
      case "base64-user" -> b64(USER + ":" + CANARY);
      case "json-escaped" -> jsonEscaped(CANARY);
      default -> throw new IllegalArgumentException(encoding);
    };
  }

  private static final List<String> ENCODINGS =
      List.of(
          "url-userinfo",
          "raw",
          "url-encoded",
          "hex",
          "HEX",
          "base64",
          "base64-user",
          "json-escaped");

  static Stream<Arguments> formatsAndEncodings() {
    return Stream.of("table", "json", "yaml", "markdown", "sarif", "junit", "html")
        .flatMap(format -> ENCODINGS.stream().map(encoding -> Arguments.of(format, encoding)));
  }

  /**
   * The abctl example with the canary in its pull-failure event and container status (as the
   * kubelet's message ends), in the airbyte-env ConfigMap, and as the password of a pull secret.
   */
  private void writeManifests(List<String> encodings) throws IOException {
    Path example = Path.of("..", "examples", "abctl-missing-pull-secret");
    StringBuilder echoed = new StringBuilder("401 Unauthorized; registry said");
    for (String encoding : encodings) {
      echoed.append(' ').append(encoded(encoding));
    }
    echoed.append(" spoof ").append(BIDI).append("gnp.exe").append(TAG).append('\'');
    try (Stream<Path> files = Files.list(example)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(
            dir.resolve(file.getFileName()),
            text.replace("401 Unauthorized'", echoed.toString())
                .replace(
                    "  data:\n    AIRBYTE_API_AUTH_HEADER_NAME",
                    "  data:\n    MIRROR_NOTE: \"mirror said "
                        + String.join(
                                " ", encodings.stream().map(ReportCanaryTest::encoded).toList())
                            .replace("\\", "\\\\")
                        + "\"\n    AIRBYTE_API_AUTH_HEADER_NAME"),
            StandardCharsets.UTF_8);
      }
    }
    Files.writeString(dir.resolve("canary-secret.yaml"), pullSecret(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @MethodSource("formatsAndEncodings")
  void no_format_shows_an_echoed_password_or_a_hidden_character(String format, String encoding)
      throws IOException {
    writeManifests(List.of(encoding));

    Output output =
        pulldoctor("diagnose", "--manifests", dir.toString(), "--offline", "-o", format);

    assertThat(output.exitCode()).as(output.err()).isEqualTo(1);
    // YAML folds long strings, even inside an escape: read it as the tree it writes.
    String shown =
        format.equals("yaml") ? new YAMLMapper().readTree(output.out()).toString() : output.out();
    // The planted message reached the output: what follows shows it was redacted, not dropped.
    assertThat(shown).contains("registry said").contains("REDACTED");
    for (String form : forbidden()) {
      assertThat(shown).as(format).doesNotContain(form);
    }
    assertThat(shown).as(format).doesNotContain(BIDI).doesNotContain(TAG);
    assertThat(shown).as(format).contains("\\u202e").contains("\\u{e0041}");
  }

  @Test
  void a_bundle_holds_no_echoed_password_in_any_byte() throws Exception {
    writeManifests(ENCODINGS);
    Path bundle = dir.resolve("out.tar.gz");

    Output output =
        pulldoctor(
            "bundle",
            "create",
            "--manifests",
            dir.toString(),
            "--offline",
            "-f",
            bundle.toString());

    assertThat(output.exitCode()).as(output.err()).isZero();
    String everyByte =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(Files.readAllBytes(bundle)))
                .readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(everyByte).contains("registry said").contains("mirror said");
    for (String form : forbidden()) {
      assertThat(everyByte).doesNotContain(form);
    }
    assertThat(everyByte).doesNotContain(USER);
  }

  /** The canary in every encoding planted, and its fragments. */
  private static List<String> forbidden() {
    List<String> forms = new ArrayList<>();
    forms.addAll(List.of(CANARY, "c4n4ry", "P4ss", "Zq7x"));
    forms.add(URLEncoder.encode(CANARY, StandardCharsets.UTF_8));
    forms.add(hex(CANARY));
    forms.add(hex(CANARY).toUpperCase(Locale.ROOT));
    forms.add(b64(CANARY));
    forms.add(b64(USER + ":" + CANARY));
    forms.add(jsonEscaped(CANARY));
    return forms;
  }

  private static String pullSecret() {
    String config =
        "{\"auths\":{\"registry.example.com\":{\"username\":\"%s\",\"password\":\"%s\"}}}"
            .formatted(USER, CANARY);
    return """
    apiVersion: v1
    kind: Secret
    metadata:
      name: mirror-creds
      namespace: airbyte-abctl
    type: kubernetes.io/dockerconfigjson
    data:
      .dockerconfigjson: %s
    """
        .formatted(b64(config));
  }

  private static String hex(String text) {
    return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Every character as a JSON {@code \\u} escape, as some registries write their errors. */
  private static String jsonEscaped(String text) {
    StringBuilder out = new StringBuilder();
    text.chars().forEach(c -> out.append(String.format("\\u%04x", c)));
    return out.toString();
  }

  record Output(int exitCode, String out, String err) {}

  private static Output pulldoctor(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Output(code, out.toString(), err.toString());
  }
}
