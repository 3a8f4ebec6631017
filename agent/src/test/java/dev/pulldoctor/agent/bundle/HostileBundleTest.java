package dev.pulldoctor.agent.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.ManifestSnapshots;
import dev.pulldoctor.agent.testsupport.ChildJvm;
import dev.pulldoctor.agent.testsupport.ProcessLeakCheck;
import dev.pulldoctor.rules.model.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bundle is untrusted input: archives built to escape, exhaust memory or confuse the reader are
 * refused with one line naming the problem, and nothing is written anywhere.
 */
@ExtendWith(ProcessLeakCheck.class)
class HostileBundleTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static Map<String, byte[]> valid;

  @TempDir static Path shared;
  @TempDir Path dir;

  @BeforeAll
  static void makeValidBundle() throws Exception {
    Snapshot snapshot =
        new ManifestSnapshots(Clock.fixed(NOW, ZoneOffset.UTC))
            .read(List.of(Path.of("..", "examples", "healthy-private-registry")), null);
    valid =
        BundleContents.build(new BundleRequest(snapshot, List.of(), true, NOW, "test", null))
            .files();
  }

  @Test
  void path_traversal_is_refused_and_nothing_is_written() throws Exception {
    Path bundle = dir.resolve("in").resolve("b.tar.gz");
    Files.createDirectories(bundle.getParent());
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.file("../escaped.txt", "owned").file("manifest.json", valid.get("manifest.json")).end();
    }

    assertRefused(bundle, "entry ../escaped.txt has '..' in its path (path traversal)");
    assertThat(dir.resolve("escaped.txt")).doesNotExist();
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile)).containsExactly(bundle);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"objects/../../x", "./../x", "a/./b", "a//b"})
  void dot_segments_are_refused(String name) throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.file(name, "x").end();
    }

    assertThat(refusal(bundle)).contains("entry " + name + " has");
  }

  @Test
  void absolute_paths_are_refused() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.file("/etc/cron.d/evil", "x").end();
    }

    assertRefused(bundle, "entry /etc/cron.d/evil has an absolute path");
  }

  @ParameterizedTest
  @ValueSource(chars = {'1', '2', '3', '4', '6', 'x', 'g', 'L', 'K', 'S', 'V', 'M', 'Z'})
  void links_devices_and_extension_headers_are_refused(char type) throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.special("objects/pods.yaml", type).end();
    }

    assertThat(refusal(bundle))
        .startsWith(bundle + ": entry objects/pods.yaml is ")
        .endsWith("; a bundle holds only regular files");
  }

  @Test
  void symbolic_link_is_named_as_such() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.special("manifest.json", '2').end();
    }

    assertRefused(
        bundle, "entry manifest.json is a symbolic link; a bundle holds only regular files");
  }

  @Test
  void sparse_entry_of_10_gib_is_refused_before_reading_it() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.declared("objects/pods.yaml", 'S', 10L << 30);
    }

    assertRefused(
        bundle, "entry objects/pods.yaml is a GNU sparse file; a bundle holds only regular files");
  }

  @Test
  void entry_declaring_10_gib_is_refused_before_reading_it() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.declared("objects/pods.yaml", '0', 10L << 30);
    }

    assertRefused(
        bundle,
        "entry objects/pods.yaml declares 10.0 GiB, more than the 64 MiB a bundle file may hold");
  }

  @Test
  void a_million_tiny_entries_are_refused() throws Exception {
    Path bundle = millionEntries();

    assertRefused(bundle, "more than 256 entries; a bundle holds about 15 files");
  }

  @Test
  void entries_adding_up_beyond_the_total_cap_are_refused() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    BundleLimits small = new BundleLimits(256, 1 << 20, 3 << 20, 1000, 100_000);
    try (HostileTar tar = new HostileTar(bundle)) {
      for (int i = 0; i < 4; i++) {
        tar.zeros("junk-" + i, 1 << 20);
      }
      tar.end();
    }

    assertThatThrownBy(() -> new BundleReader(small).read(bundle))
        .isInstanceOf(InputException.class)
        .hasMessage(
            bundle + ": the entries declare more than 3 MiB in total, more than a bundle may hold");
  }

  @Test
  void truncated_gzip_is_refused() throws Exception {
    Path whole = dir.resolve("whole.tar.gz");
    writeBundle(whole, valid);
    byte[] bytes = Files.readAllBytes(whole);
    Path bundle = dir.resolve("b.tar.gz");
    Files.write(bundle, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    assertRefused(
        bundle, "truncated gzip data; the bundle is incomplete (was the copy cut short?)");
  }

  @Test
  void gzip_without_its_last_bytes_is_refused() throws Exception {
    Path whole = dir.resolve("whole.tar.gz");
    writeBundle(whole, valid);
    byte[] bytes = Files.readAllBytes(whole);
    Path bundle = dir.resolve("b.tar.gz");
    Files.write(bundle, java.util.Arrays.copyOf(bytes, bytes.length - 4));

    assertThat(refusal(bundle)).contains("gzip");
  }

  @Test
  void tar_cut_off_inside_an_entry_is_refused() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    Files.write(
        bundle,
        HostileTar.gzip(
            java.util.Arrays.copyOf(
                HostileTar.header("manifest.json", '0', HostileTar.octal(4000, 12)), 1000)));

    assertRefused(bundle, "truncated tar archive: entry manifest.json is cut off");
  }

  @Test
  void not_gzip_is_refused() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    Files.writeString(bundle, "apiVersion: v1\nkind: List\n");

    assertRefused(bundle, "not a gzip file, or corrupt gzip data");
  }

  @Test
  void bad_header_checksum_is_refused() throws Exception {
    byte[] header = HostileTar.header("manifest.json", '0', HostileTar.octal(0, 12));
    header[0] = 'M';
    Path bundle = dir.resolve("b.tar.gz");
    Files.write(bundle, HostileTar.gzip(header));

    assertRefused(bundle, "not a tar archive (bad header checksum)");
  }

  @Test
  void control_characters_in_names_are_refused_without_echoing_them() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.file("report\u001b[2J.md", "x").end();
    }

    assertThat(refusal(bundle)).doesNotContain("\u001b").contains("control or non-ASCII");
  }

  @Test
  void duplicate_entries_are_refused() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.file("manifest.json", valid.get("manifest.json"))
          .file("manifest.json", valid.get("manifest.json"))
          .end();
    }

    assertRefused(bundle, "entry manifest.json appears twice");
  }

  @Test
  void bundle_from_a_newer_pulldoctor_names_the_versions() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>(valid);
    entries.put(
        "manifest.json",
        new String(valid.get("manifest.json"), StandardCharsets.UTF_8)
            .replace("\"formatVersion\": 1", "\"formatVersion\": 2")
            .replace("\"version\": \"test\"", "\"version\": \"9.0.0\"")
            .getBytes(StandardCharsets.UTF_8));
    Path bundle = dir.resolve("b.tar.gz");
    writeBundle(bundle, entries);

    assertRefused(
        bundle,
        "the bundle has format version 2 (written by pulldoctor 9.0.0); this pulldoctor reads"
            + " format 1 and older: upgrade pulldoctor to analyze it");
  }

  @Test
  void archive_without_manifest_is_not_a_bundle() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.file("objects/pods.yaml", valid.get("objects/pods.yaml")).end();
    }

    assertRefused(bundle, "not a pulldoctor support bundle (no manifest.json)");
  }

  @Test
  void missing_object_file_is_named() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>(valid);
    entries.remove("objects/pods.yaml");
    Path bundle = dir.resolve("b.tar.gz");
    writeBundle(bundle, entries);

    assertRefused(bundle, "objects/pods.yaml is missing from the bundle");
  }

  @Test
  void a_secret_smuggled_into_the_pods_file_is_refused() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>(valid);
    entries.put(
        "objects/pods.yaml",
        """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Secret
          metadata: {name: regcred, namespace: airbyte}
          data: {.dockerconfigjson: e30=}
        """
            .getBytes(StandardCharsets.UTF_8));
    Path bundle = dir.resolve("b.tar.gz");
    writeBundle(bundle, entries);

    assertRefused(bundle, "objects/pods.yaml item 0 is not a Pod");
  }

  @Test
  void invalid_yaml_gives_a_position_and_no_content() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>(valid);
    entries.put(
        "objects/pods.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- {kind: Pod, metadata: [s3cr3t-t0ken\n"
            .getBytes(StandardCharsets.UTF_8));
    Path bundle = dir.resolve("b.tar.gz");
    writeBundle(bundle, entries);

    assertThat(refusal(bundle))
        .startsWith(bundle + ": objects/pods.yaml:")
        .endsWith(": invalid YAML")
        .doesNotContain("s3cr3t");
  }

  @Test
  void too_many_objects_and_too_many_values_are_refused() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>(valid);
    entries.put(
        "objects/pods.yaml",
        ("apiVersion: v1\nkind: List\nitems:\n" + "- {kind: Pod, metadata: {name: p}}\n".repeat(50))
            .getBytes(StandardCharsets.UTF_8));
    Path bundle = dir.resolve("b.tar.gz");
    writeBundle(bundle, entries);
    entries.put(
        "objects/pods.yaml",
        ("apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  x: [" + "{}, ".repeat(10_000) + "]\n")
            .getBytes(StandardCharsets.UTF_8));
    Path tokens = dir.resolve("tokens.tar.gz");
    writeBundle(tokens, entries);
    BundleLimits small = new BundleLimits(256, 1 << 20, 8 << 20, 30, 5_000);

    assertThatThrownBy(() -> new BundleReader(small).read(bundle))
        .hasMessage(bundle + ": objects/pods.yaml: more than 30 objects in one file");
    assertThatThrownBy(() -> new BundleReader(small).read(tokens))
        .hasMessage(
            tokens
                + ": objects/pods.yaml: the bundle has more than 5000 JSON/YAML values in all;"
                + " too large to analyze");
  }

  @Test
  void unknown_files_and_directories_are_passed_over() throws Exception {
    Path bundle = dir.resolve("b.tar.gz");
    try (HostileTar tar = new HostileTar(bundle)) {
      tar.special("./", '5').special("objects/", '5').file("./NOTES.txt", "hello");
      for (Map.Entry<String, byte[]> entry : valid.entrySet()) {
        tar.file("./" + entry.getKey(), entry.getValue());
      }
      tar.end();
    }

    assertThat(new BundleReader().read(bundle).snapshot().pods()).hasSize(4);
  }

  /**
   * The zip-bomb cases in a JVM with a 48 MiB heap: the 10 GiB entry, a million entries, and
   * hundreds of MiB of zeros in unknown entries are refused with exit 2 and one line.
   */
  @Test
  void hostile_bundles_are_refused_by_the_cli_in_a_small_heap() throws Exception {
    Path declared = dir.resolve("declared.tar.gz");
    try (HostileTar tar = new HostileTar(declared)) {
      tar.declared("objects/pods.yaml", '0', 10L << 30);
    }
    Path zeros = dir.resolve("zeros.tar.gz");
    try (HostileTar tar = new HostileTar(zeros)) {
      for (int i = 0; i < 5; i++) {
        tar.zeros("junk-" + i, 60L << 20);
      }
      tar.end();
    }

    Map<Path, String> reasons =
        Map.of(
            declared,
            "declares 10.0 GiB",
            millionEntries(),
            "more than 256 entries",
            zeros,
            "more than 64 MiB in total");
    for (Map.Entry<Path, String> expected : reasons.entrySet()) {
      Path bundle = expected.getKey();
      Cli run = analyzeInSmallHeap(bundle);
      assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
      assertThat(run.err().strip()).as(run.err()).startsWith("pulldoctor: " + bundle + ": ");
      assertThat(run.err().strip()).contains(expected.getValue());
      assertThat(run.err().strip().lines()).hasSize(1);
      assertThat(run.err()).doesNotContain("OutOfMemoryError");
    }
  }

  /**
   * The attack run's bundle: about 250 KiB of gzip that holds, in every object file, an object
   * whose one field is a list of millions of empty objects, each file within the byte and value
   * caps. Read whole, it made {@code analyze} hold over a gigabyte. In the 256 MiB heap the caps
   * promise, it is refused with exit 2 and one line naming a file, never an OutOfMemoryError and
   * never exit 1 (which CI reads as findings).
   */
  @Test
  void a_bundle_of_millions_of_empty_objects_is_refused_in_a_256_mib_heap() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>(valid);
    long room = BundleLimits.DEFAULT.maxTotalBytes() - 1_000_000;
    List<ObjectFile> files = List.of(ObjectFile.values());
    long perFile = Math.min(BundleLimits.DEFAULT.maxFileBytes() - 1_000, room / files.size());
    for (ObjectFile file : files) {
      entries.put(file.file(), expanding(file, perFile));
    }
    Path bundle = dir.resolve("expanding.tar.gz");
    writeBundle(bundle, entries);
    entries.clear();
    assertThat(Files.size(bundle)).isLessThan(1L << 20);

    Cli run = analyze(bundle, "-Xmx256m");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err().strip()).as(run.err()).startsWith("pulldoctor: " + bundle + ": ");
    assertThat(run.err().strip().lines()).hasSize(1);
    assertThat(run.err()).doesNotContain("OutOfMemoryError");
  }

  /** A List of one object of the file's kind with a field {@code x} of empty objects. */
  private static byte[] expanding(ObjectFile file, long bytes) {
    String kind = file.kind();
    boolean json = file.file().endsWith(".json");
    String head =
        json
            ? "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"kind\":\""
                + kind
                + "\",\"metadata\":{\"name\":\"x\"},\"x\":["
            : String.join(
                "\n",
                "apiVersion: v1",
                "kind: List",
                "items:",
                "- kind: " + kind,
                "  metadata: {name: x}",
                "  x: [");
    String tail = json ? "{}]}]}" : "{}]\n";
    int count = (int) ((bytes - head.length() - tail.length()) / 3);
    StringBuilder content = new StringBuilder(head.length() + 3 * count + tail.length());
    content.append(head);
    for (int i = 0; i < count; i++) {
      content.append("{},");
    }
    content.append(tail);
    return content.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** One million empty regular files, made once for the class. */
  private static Path millionEntries() throws IOException {
    Path bundle = shared.resolve("million.tar.gz");
    if (Files.exists(bundle)) {
      return bundle;
    }
    try (HostileTar tar = new HostileTar(bundle)) {
      for (int i = 0; i < 1_000_000; i++) {
        tar.special(String.format("f%07d", i), '0');
      }
      tar.end();
    }
    return bundle;
  }

  record Cli(int exitCode, String err) {}

  private Cli analyzeInSmallHeap(Path bundle) throws Exception {
    return analyze(bundle, "-Xmx48m");
  }

  private Cli analyze(Path bundle, String heap) throws Exception {
    ChildJvm.Result run =
        ChildJvm.pulldoctor("analyze", bundle.toString())
            .jvmOptions(heap, "-XX:+UseSerialGC")
            .run(dir, Duration.ofMinutes(2));
    return new Cli(run.exitCode(), run.err());
  }

  private static void writeBundle(Path file, Map<String, byte[]> entries) throws IOException {
    try (var out = Files.newOutputStream(file)) {
      BundleWriter.archive(entries, NOW, out);
    }
  }

  private static String refusal(Path bundle) {
    try {
      new BundleReader().read(bundle);
    } catch (InputException e) {
      assertThat(e.getMessage()).doesNotContain("\n");
      return e.getMessage();
    }
    throw new AssertionError("expected " + bundle + " to be refused");
  }

  private static void assertRefused(Path bundle, String reason) {
    assertThat(refusal(bundle)).isEqualTo(bundle + ": " + reason);
  }
}
