package dev.pulldoctor.agent.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.agent.collect.InputException;
import dev.pulldoctor.agent.collect.KubeSerialization;
import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a support bundle back into a {@link Snapshot}. A bundle is untrusted input: entries are
 * read into memory under {@link BundleLimits} (nothing is extracted to disk), names with {@code
 * ..}, absolute paths, links and other special entries are refused, and every failure is one line
 * naming the problem, never quoting the content.
 */
public final class BundleReader {
  private static final KubernetesSerialization SERIALIZATION = KubeSerialization.shared();

  /** After the end-of-archive marker, read this much to reach and check the gzip trailer. */
  private static final int MAX_TRAILER = 1 << 20;

  private final BundleLimits limits;
  private final TreeReader trees;

  public BundleReader() {
    this(BundleLimits.DEFAULT);
  }

  public BundleReader(BundleLimits limits) {
    this.limits = limits;
    this.trees = new TreeReader(limits);
  }

  /**
   * The bundle entry that holds objects of {@code kind} (e.g. {@code objects/pods.yaml} for {@code
   * Pod}), for pointing at an object's source; empty for a kind a bundle does not hold.
   */
  public static Optional<String> entryOf(String kind) {
    if (kind.equals("Secret")) {
      return Optional.of(BundleContents.SECRETS);
    }
    for (ObjectFile file : ObjectFile.values()) {
      if (file.kind().equals(kind)) {
        return Optional.of(file.file());
      }
    }
    return Optional.empty();
  }

  /**
   * Reads {@code file}, a bundle's .tar.gz or a directory it was unpacked into; the snapshot's
   * source names it.
   */
  public Bundle read(Path file) throws InputException {
    if (Files.isDirectory(file)) {
      return readDirectory(file);
    }
    if (!Files.isRegularFile(file)) {
      throw new InputException("no such bundle file or directory: " + file);
    }
    try (InputStream raw = Files.newInputStream(file);
        GZIPInputStream gzip =
            new GZIPInputStream(new BufferedInputStream(raw, 1 << 16), 1 << 16)) {
      Map<String, byte[]> entries = entries(gzip);
      return parse(entries, file.toString());
    } catch (BundleFormatException e) {
      throw new InputException(file + ": " + e.getMessage());
    } catch (EOFException e) {
      throw new InputException(
          file + ": truncated gzip data; the bundle is incomplete (was the copy cut short?)");
    } catch (ZipException e) {
      throw new InputException(file + ": not a gzip file, or corrupt gzip data");
    } catch (IOException e) {
      throw new InputException(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private Bundle readDirectory(Path dir) throws InputException {
    try {
      return parse(new BundleDirectory(dir, limits).read(requiredFiles()), dir.toString());
    } catch (BundleFormatException e) {
      throw new InputException(dir + ": " + e.getMessage());
    } catch (IOException e) {
      throw new InputException(dir + ": cannot read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private Map<String, byte[]> entries(InputStream in) throws IOException, BundleFormatException {
    Set<String> wanted = new HashSet<>(requiredFiles());
    Map<String, byte[]> entries = new HashMap<>();
    Set<String> seen = new HashSet<>();
    UstarReader tar = new UstarReader(in, limits);
    UstarReader.Entry entry;
    while ((entry = tar.next()) != null) {
      if (!seen.add(entry.name())) {
        throw new BundleFormatException("entry " + entry.name() + " appears twice");
      }
      if (wanted.contains(entry.name())) {
        entries.put(entry.name(), tar.read(entry));
      } else {
        tar.skip(entry);
      }
    }
    // Reading on to the end of the gzip stream checks its CRC and length.
    long trailing = 0;
    byte[] buffer = new byte[8192];
    int n;
    while (trailing < MAX_TRAILER && (n = in.read(buffer)) >= 0) {
      trailing += n;
    }
    return entries;
  }

  private static List<String> requiredFiles() {
    List<String> files = new ArrayList<>();
    files.add(BundleContents.MANIFEST);
    files.add(BundleContents.SECRETS);
    files.add(BundleContents.OBSERVATIONS);
    for (ObjectFile file : ObjectFile.values()) {
      files.add(file.file());
    }
    return files;
  }

  private Bundle parse(Map<String, byte[]> entries, String name) throws BundleFormatException {
    byte[] manifestBytes = entries.get(BundleContents.MANIFEST);
    if (manifestBytes == null) {
      throw new BundleFormatException("not a pulldoctor support bundle (no manifest.json)");
    }
    TreeReader.Budget budget = trees.budget();
    BundleManifest manifest =
        BundleManifest.read(trees.document(BundleContents.MANIFEST, manifestBytes, budget));
    Snapshot.Builder builder =
        Snapshot.builder(
            manifest.capturedAt(), new Source(SourceType.BUNDLE, name, manifest.namespace()));
    for (ObjectFile file : ObjectFile.values()) {
      // Each item becomes its object as it is parsed: one item's tree is held at a time.
      trees.items(
          file.file(),
          entry(entries, file.file()),
          budget,
          (i, item) -> builder.add(object(file, i, item)));
    }
    trees.items(
        BundleContents.SECRETS,
        entry(entries, BundleContents.SECRETS),
        budget,
        (i, item) ->
            builder.secret(SecretViews.fromTree(BundleContents.SECRETS + " item " + i, item)));
    ObjectNode observations =
        trees.document(
            BundleContents.OBSERVATIONS, entry(entries, BundleContents.OBSERVATIONS), budget);
    for (JsonNode review : observations.path("accessReviews")) {
      builder.accessReview(accessReview(review));
    }
    int discovery = 0;
    for (JsonNode node : observations.path("connectorDiscoveries")) {
      builder.connectorDiscovery(
          DiscoveryTrees.fromTree(
              BundleContents.OBSERVATIONS + " connector discovery " + discovery++, node));
    }
    int release = 0;
    for (JsonNode node : observations.path("helmReleases")) {
      builder.helmRelease(
          HelmReleaseTrees.fromTree(
              BundleContents.OBSERVATIONS + " Helm release " + release++, node));
    }
    int probe = 0;
    for (JsonNode node : observations.path("registryObservations")) {
      builder.registryObservation(
          ObservationTrees.fromTree(
              BundleContents.OBSERVATIONS + " registry observation " + probe++, node));
    }
    manifest.collectionErrors().forEach(builder::collectionError);
    return new Bundle(builder.build(), manifest);
  }

  private static byte[] entry(Map<String, byte[]> entries, String name)
      throws BundleFormatException {
    // Removed once parsed, so the raw bytes are freed as the objects grow.
    byte[] content = entries.remove(name);
    if (content == null) {
      throw new BundleFormatException(name + " is missing from the bundle");
    }
    return content;
  }

  private static HasMetadata object(ObjectFile file, int index, ObjectNode item)
      throws BundleFormatException {
    String where = file.file() + " item " + index;
    if (!file.kind().equals(item.path("kind").asText())) {
      throw new BundleFormatException(where + " is not a " + file.kind());
    }
    if (!item.path("metadata").path("name").isTextual()) {
      throw new BundleFormatException(where + " has no metadata.name");
    }
    try {
      return SERIALIZATION.convertValue(item, file.type());
    } catch (IllegalArgumentException e) {
      // The exception text can quote the content; the place is enough.
      throw new BundleFormatException(where + " is not a valid " + file.kind());
    }
  }

  private static AccessReview accessReview(JsonNode node) throws BundleFormatException {
    for (String field : List.of("user", "namespace", "group", "resource", "verb")) {
      if (!node.path(field).isTextual()) {
        throw new BundleFormatException(
            BundleContents.OBSERVATIONS + ": an access review has no " + field);
      }
    }
    if (!node.path("allowed").isBoolean()) {
      throw new BundleFormatException(
          BundleContents.OBSERVATIONS + ": an access review has no allowed");
    }
    return new AccessReview(
        node.path("user").asText(),
        node.path("namespace").asText(),
        node.path("group").asText(),
        node.path("resource").asText(),
        node.path("verb").asText(),
        node.path("allowed").asBoolean());
  }
}
