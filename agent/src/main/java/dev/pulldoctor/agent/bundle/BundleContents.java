package dev.pulldoctor.agent.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pulldoctor.agent.collect.KubeSerialization;
import dev.pulldoctor.agent.collect.PullSecretUsernames;
import dev.pulldoctor.agent.render.HtmlReport;
import dev.pulldoctor.agent.render.JsonRenderer;
import dev.pulldoctor.agent.render.OutputFormat;
import dev.pulldoctor.agent.render.RenderOptions;
import dev.pulldoctor.agent.render.ReportRenderer;
import dev.pulldoctor.agent.render.ReportTree;
import dev.pulldoctor.agent.render.TableRenderer;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.ReportRedaction;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleEngine;
import dev.pulldoctor.rules.engine.Summary;
import dev.pulldoctor.rules.model.AccessReview;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.ConnectorDiscovery;
import dev.pulldoctor.rules.model.SecretInfo;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import dev.pulldoctor.rules.redact.SecretText;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns a snapshot into the files of a bundle, deterministically: the same request gives the same
 * bytes. Objects are redacted as trees on their way in; the report is computed from the redacted
 * objects read back, so it shows exactly what {@code analyze} will show and cannot quote a value
 * the bundle left out.
 */
final class BundleContents {
  static final String MANIFEST = "manifest.json";
  static final String SECRETS = "objects/secrets.yaml";
  static final String OBSERVATIONS = "observations.json";
  static final String REPORT_JSON = "report.json";
  static final String REPORT_MD = "report.md";
  static final String REPORT_HTML = "report.html";
  static final String LOG = "pulldoctor.log";

  private static final KubernetesSerialization SERIALIZATION = KubeSerialization.shared();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectWriter JSON =
      new ObjectMapper()
          .writer(
              new DefaultPrettyPrinter(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                  .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                  .withArrayIndenter(new DefaultIndenter("  ", "\n")));
  private static final ObjectMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .disable(YAMLGenerator.Feature.SPLIT_LINES)
          .build();

  /** The files, manifest first, then by name; the redacted snapshot; the report. */
  record Built(
      Map<String, byte[]> files, Snapshot redacted, Report report, List<Redaction> redactions) {}

  private BundleContents() {}

  static Built build(BundleRequest request) {
    return build(request, BundleKey.random());
  }

  /**
   * @param key keys the pull-secret fingerprints; random for every bundle, so that two bundles of
   *     the same cluster cannot be joined on them and no password list can be tried against them
   */
  static Built build(BundleRequest request, BundleKey key) {
    Snapshot snapshot = request.snapshot();
    BundleScope scope = BundleScope.of(snapshot);
    SecretText secretText = SecretText.of(snapshot);
    BundleSecrets bundleSecrets = new BundleSecrets(key);
    Redactor redactor = new Redactor(secretText, PullSecretUsernames.of(snapshot.secrets()));
    Snapshot.Builder redacted = Snapshot.builder(snapshot.capturedAt(), snapshot.source());
    Map<String, byte[]> files = new TreeMap<>();

    for (ObjectFile file : ObjectFile.values()) {
      ArrayNode items = NODES.arrayNode();
      List<HasMetadata> objects = scope.objects(file);
      for (int i = 0; i < objects.size(); i++) {
        ObjectNode tree = SERIALIZATION.convertValue(objects.get(i), ObjectNode.class);
        redactor.object(file.file(), i, tree);
        items.add(tree);
        redacted.add(SERIALIZATION.convertValue(tree, file.type()));
      }
      files.put(file.file(), list(file.file(), items));
    }

    ArrayNode secretItems = NODES.arrayNode();
    List<SecretInfo> secrets = snapshot.secrets();
    for (int i = 0; i < secrets.size(); i++) {
      SecretInfo secret = bundleSecrets.view(secrets.get(i));
      secretItems.add(SecretViews.toTree(secret));
      redacted.secret(secret);
      secretRedactions(redactor, i, secret);
    }
    files.put(SECRETS, list(SECRETS, secretItems));

    snapshot.helmReleases().forEach(redacted::helmRelease);
    snapshot.accessReviews().forEach(redacted::accessReview);
    snapshot.connectorDiscoveries().forEach(redacted::connectorDiscovery);
    snapshot.registryObservations().forEach(redacted::registryObservation);
    snapshot.collectionErrors().forEach(redacted::collectionError);
    ObjectNode observations = observations(snapshot);
    redactor.tree(OBSERVATIONS, observations);
    files.put(OBSERVATIONS, json(observations));

    Snapshot redactedSnapshot = redacted.build();
    // The engine redacts with what the bundle's snapshot knows, whose pull-secret fingerprints
    // are keyed; a second pass with the live run's redactor finds the passwords themselves
    // (registry observations quote registry answers, which may echo them).
    Report report =
        new ReportRedaction(secretText)
            .apply(
                new RuleEngine(Rules.all())
                    .run(
                        Diagnosis.of(
                            redactedSnapshot,
                            snapshot.capturedAt(),
                            request.offline(),
                            request.images()),
                        request.generatedAt()));
    files.put(REPORT_JSON, utf8(new JsonRenderer().render(report)));
    files.put(REPORT_MD, utf8(markdown(report, request.toolVersion())));
    files.put(
        REPORT_HTML,
        utf8(
            HtmlReport.report(
                report,
                "",
                false,
                Rules.all().stream().map(Rule::info).toList(),
                request.toolVersion())));
    List<Redaction> redactions = redactor.redactions();
    files.put(LOG, utf8(log(request, scope, redactions, report)));

    Map<String, byte[]> ordered = new LinkedHashMap<>();
    ordered.put(MANIFEST, json(manifest(request, scope, report, redactions, files)));
    ordered.putAll(files);
    return new Built(ordered, redactedSnapshot, report, redactions);
  }

  /**
   * Secret values never reach the bundle; the list still names each one left out, without a
   * fingerprint (a pull secret's keyed fingerprints are in its view).
   */
  private static void secretRedactions(Redactor redactor, int index, SecretInfo secret) {
    String object = "Secret " + secret.namespace() + "/" + secret.name();
    JsonPath data = JsonPath.ROOT.field("items").index(index).field("data");
    for (String key : secret.dataKeys()) {
      redactor.record(
          new Redaction(SECRETS, object, data.field(key).toString(), "secret-data", null));
    }
  }

  /** The report as Markdown, for attaching to a ticket. */
  static String markdown(Report report, String toolVersion) {
    return ReportRenderer.of(OutputFormat.MARKDOWN, RenderOptions.plain(toolVersion))
        .render(report);
  }

  private static ObjectNode observations(Snapshot snapshot) {
    List<AccessReview> reviews = snapshot.accessReviews();
    List<ConnectorDiscovery> discoveries = snapshot.connectorDiscoveries();
    ObjectNode root = NODES.objectNode();
    root.put("apiVersion", BundleManifest.API_VERSION);
    root.put("kind", "Observations");
    ArrayNode list = root.putArray("accessReviews");
    for (AccessReview review : reviews) {
      ObjectNode node = list.addObject();
      node.put("user", review.user());
      node.put("namespace", review.namespace());
      node.put("group", review.group());
      node.put("resource", review.resource());
      node.put("verb", review.verb());
      node.put("allowed", review.allowed());
    }
    if (!discoveries.isEmpty()) {
      ArrayNode found = root.putArray("connectorDiscoveries");
      discoveries.forEach(d -> found.add(DiscoveryTrees.toTree(d)));
    }
    if (!snapshot.helmReleases().isEmpty()) {
      ArrayNode releases = root.putArray("helmReleases");
      snapshot.helmReleases().forEach(r -> releases.add(HelmReleaseTrees.toTree(r)));
    }
    if (!snapshot.registryObservations().isEmpty()) {
      ArrayNode probed = root.putArray("registryObservations");
      snapshot.registryObservations().forEach(o -> probed.add(ObservationTrees.toTree(o)));
    }
    return root;
  }

  private static ObjectNode manifest(
      BundleRequest request,
      BundleScope scope,
      Report report,
      List<Redaction> redactions,
      Map<String, byte[]> files) {
    Snapshot snapshot = request.snapshot();
    Source source = snapshot.source();
    ObjectNode root = NODES.objectNode();
    root.put("apiVersion", BundleManifest.API_VERSION);
    root.put("kind", BundleManifest.KIND);
    root.put("formatVersion", BundleManifest.FORMAT_VERSION);
    ObjectNode tool = root.putObject("tool");
    tool.put("name", "pulldoctor");
    tool.put("version", request.toolVersion());
    root.put("capturedAt", snapshot.capturedAt().toString());
    ObjectNode sourceNode = root.putObject("source");
    sourceNode.put("type", source.type().word());
    if (source.context() != null) {
      sourceNode.put("context", source.context());
    }
    sourceNode.put("namespace", source.namespace());
    root.set("cluster", cluster(request));
    root.set("airbyte", ReportTree.of(report).get("airbyte"));
    ArrayNode namespaces = root.putArray("namespaces");
    scope.namespaces().forEach(namespaces::add);
    ArrayNode images = root.putArray("images");
    request.images().forEach(images::add);
    ArrayNode collected = root.putArray("collected");
    for (ObjectFile file : ObjectFile.values()) {
      ObjectNode entry = collected.addObject();
      entry.put("resource", file.resource());
      entry.put("file", file.file());
      entry.put("count", scope.objects(file).size());
    }
    ObjectNode secrets = collected.addObject();
    secrets.put("resource", "secrets");
    secrets.put("file", SECRETS);
    secrets.put("count", snapshot.secrets().size());
    secrets.put(
        "note",
        "pull-secret views only: names, types, key names, fingerprints keyed per bundle (pull"
            + " secrets only); no values, no usernames");
    ArrayNode omitted = root.putArray("omitted");
    for (BundleScope.Omission omission : scope.omitted()) {
      ObjectNode node = omitted.addObject();
      node.put("resource", omission.resource());
      node.put("count", omission.count());
      node.put("reason", omission.reason());
    }
    ArrayNode errors = root.putArray("collectionErrors");
    for (CollectionError error : snapshot.collectionErrors()) {
      ObjectNode node = errors.addObject();
      node.put("resource", error.resource());
      node.put("apiGroup", error.apiGroup());
      if (error.namespace() != null) {
        node.put("namespace", error.namespace());
      }
      node.put("verb", error.verb());
      node.put("httpStatus", error.httpStatus());
      node.put("reason", error.reason());
      node.put("message", error.describe());
    }
    ArrayNode fileList = root.putArray("files");
    files.forEach(
        (name, content) -> {
          ObjectNode node = fileList.addObject();
          node.put("name", name);
          node.put("bytes", content.length);
          node.put("sha256", sha256(content));
        });
    ArrayNode list = root.putArray("redactions");
    for (Redaction redaction : redactions) {
      ObjectNode node = list.addObject();
      node.put("file", redaction.file());
      node.put("object", redaction.object());
      node.put("path", redaction.path());
      node.put("kind", redaction.kind());
      if (redaction.fingerprint() != null) {
        node.put("fingerprint", redaction.fingerprint());
      }
    }
    return root;
  }

  private static ObjectNode cluster(BundleRequest request) {
    Snapshot snapshot = request.snapshot();
    ObjectNode node = NODES.objectNode();
    if (snapshot.source().type() == SourceType.CLUSTER && snapshot.source().context() != null) {
      node.put("context", snapshot.source().context());
    }
    if (request.serverVersion() != null) {
      node.put("serverVersion", request.serverVersion());
    }
    // A dump without Node objects says nothing about the nodes; a cluster read does.
    boolean nodesKnown =
        snapshot.collectionError("nodes", "").isEmpty()
            && (snapshot.source().type() == SourceType.CLUSTER || !snapshot.nodes().isEmpty());
    if (nodesKnown) {
      node.put("nodeCount", snapshot.nodes().size());
      Optional<String> kind = kindCluster(snapshot.nodes());
      node.put("kind", kind.isPresent());
      kind.ifPresent(name -> node.put("kindCluster", name));
    }
    return node;
  }

  /** kind names its nodes' provider IDs {@code kind://docker/CLUSTER/NODE}. */
  static Optional<String> kindCluster(List<Node> nodes) {
    for (Node node : nodes) {
      String id = node.getSpec() == null ? null : node.getSpec().getProviderID();
      if (id != null && id.startsWith("kind://")) {
        String[] parts = id.substring("kind://".length()).split("/", -1);
        return Optional.of(parts.length >= 2 ? parts[1] : "");
      }
    }
    return Optional.empty();
  }

  /**
   * A summary of the run written by the bundle itself rather than a capture of the log output: it
   * is the same at every log level, holds only text pulldoctor wrote, and keeps the bundle
   * deterministic.
   */
  private static String log(
      BundleRequest request, BundleScope scope, List<Redaction> redactions, Report report) {
    Snapshot snapshot = request.snapshot();
    Source source = snapshot.source();
    List<String> lines = new ArrayList<>();
    lines.add(
        "pulldoctor "
            + request.toolVersion()
            + " support bundle, format "
            + BundleManifest.FORMAT_VERSION);
    lines.add(
        "captured "
            + snapshot.capturedAt()
            + " from "
            + source.type().word()
            + (source.context() == null ? "" : " " + source.context())
            + "; Airbyte namespace "
            + source.namespace());
    lines.add("namespaces in the bundle: " + String.join(", ", scope.namespaces()));
    for (ObjectFile file : ObjectFile.values()) {
      Map<String, Long> byNamespace =
          file.of(snapshot).stream()
              .collect(
                  Collectors.groupingBy(
                      o -> Objects.requireNonNullElse(o.getMetadata().getNamespace(), ""),
                      TreeMap::new,
                      Collectors.counting()));
      byNamespace.forEach(
          (namespace, count) ->
              lines.add(
                  "read "
                      + count
                      + " "
                      + file.resource()
                      + (namespace.isEmpty() ? " (cluster-wide)" : " in namespace " + namespace)));
    }
    lines.add(
        "read " + snapshot.secrets().size() + " secrets, kept as pull-secret views without values");
    for (CollectionError error : snapshot.collectionErrors()) {
      lines.add("error: " + error.describe());
    }
    for (BundleScope.Omission omission : scope.omitted()) {
      lines.add(
          "left out " + omission.count() + " " + omission.resource() + ": " + omission.reason());
    }
    Map<String, Long> byKind =
        redactions.stream()
            .collect(Collectors.groupingBy(Redaction::kind, TreeMap::new, Collectors.counting()));
    lines.add(
        "redacted "
            + redactions.size()
            + " values"
            + (byKind.isEmpty()
                ? ""
                : " ("
                    + byKind.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", "))
                    + ")")
            + "; each is listed in manifest.json under redactions");
    Summary summary = report.summary();
    lines.add(
        "ran "
            + Rules.all().size()
            + " rules"
            + (request.offline() ? " offline" : "")
            + ": "
            + TableRenderer.counts(summary));
    return String.join("\n", lines) + "\n";
  }

  private static byte[] list(String file, ArrayNode items) {
    ObjectNode list = NODES.objectNode();
    list.put("apiVersion", "v1");
    list.put("kind", "List");
    list.set("items", items);
    return file.endsWith(".json") ? json(list) : yaml(list);
  }

  private static byte[] json(JsonNode node) {
    try {
      return utf8(JSON.writeValueAsString(node) + "\n");
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] yaml(JsonNode node) {
    try {
      return YAML.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
