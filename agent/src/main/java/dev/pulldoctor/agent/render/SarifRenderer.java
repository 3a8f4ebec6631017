package dev.pulldoctor.agent.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.rules.Rules;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.ObjectRef;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code -o sarif}: SARIF 2.1.0 for code-scanning dashboards such as GitHub code scanning
 * (docs/sarif.md). One run; the rule catalog as the driver's rules, each with its help page; one
 * result per fail, warn or error (passes and skips are not findings).
 *
 * <p>Every result has one location, as GitHub requires: the physical location of its object (the
 * manifest file and line, the bundle entry, or for a live object its {@code k8s://} URI), falling
 * back to the object's {@code k8s://} URI when its source is unknown (an object that does not
 * exist) and to the namespace's when a result names no object; and the object as a logical location
 * named {@code namespace/Kind/name}. A fingerprint of rule, object and image lets dashboards match
 * a finding across runs. The output depends only on the report and the locations, so two runs on
 * the same input are byte-identical.
 */
public final class SarifRenderer implements ReportRenderer {
  static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The key of pulldoctor's own fingerprint in {@code partialFingerprints}. */
  static final String FINGERPRINT = "pulldoctorFinding/v1";

  private final String toolVersion;
  private final SourceLocations locations;

  public SarifRenderer(String toolVersion) {
    this(toolVersion, SourceLocations.NONE);
  }

  public SarifRenderer(String toolVersion, SourceLocations locations) {
    this.toolVersion = toolVersion;
    this.locations = locations;
  }

  @Override
  public String render(Report report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("$schema", SCHEMA);
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();
    List<RuleInfo> catalog = Rules.all().stream().map(Rule::info).toList();
    run.set("tool", tool(catalog));
    ObjectNode invocation = run.putArray("invocations").addObject();
    invocation.put("executionSuccessful", true);
    invocation.put("endTimeUtc", report.generatedAt().toString());
    ArrayNode results = run.putArray("results");
    for (Result result : report.results()) {
      if (result.status().isAtLeast(Status.WARN)) {
        results.add(result(result, catalog, report.source().namespace()));
      }
    }
    // The pulldoctor/v1 blocks, so a dashboard can tell which install a run looked at.
    ObjectNode tree = ReportTree.of(report);
    ObjectNode properties = run.putObject("properties");
    properties.set("source", tree.get("source"));
    properties.set("airbyte", tree.get("airbyte"));
    properties.set("summary", tree.get("summary"));
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ObjectNode tool(List<RuleInfo> catalog) {
    ObjectNode tool = MAPPER.createObjectNode();
    ObjectNode driver = tool.putObject("driver");
    driver.put("name", "pulldoctor");
    driver.put("version", toolVersion);
    driver.put("informationUri", ProjectLinks.HOME);
    ArrayNode rules = driver.putArray("rules");
    for (RuleInfo info : catalog) {
      ObjectNode rule = rules.addObject();
      rule.put("id", info.id());
      rule.put("name", name(info.id()));
      rule.putObject("shortDescription").put("text", info.title());
      rule.putObject("fullDescription").put("text", info.explanation());
      rule.putObject("help").put("text", info.remediation());
      rule.put("helpUri", ProjectLinks.ruleDoc(info.id()));
      rule.putObject("defaultConfiguration").put("level", level(info.severity()));
      ObjectNode properties = rule.putObject("properties");
      properties.put("severity", info.severity().word());
      ArrayNode tags = properties.putArray("tags");
      tags.add("kubernetes");
      tags.add(info.area());
      ArrayNode references = properties.putArray("references");
      info.references().forEach(references::add);
    }
    return tool;
  }

  private ObjectNode result(Result result, List<RuleInfo> catalog, String namespace) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("ruleId", result.rule());
    int index = catalog.stream().map(RuleInfo::id).toList().indexOf(result.rule());
    if (index >= 0) {
      node.put("ruleIndex", index);
    }
    node.put("level", level(result.status()));
    node.putObject("message").put("text", result.message());
    ObjectNode location = MAPPER.createObjectNode();
    location.set("physicalLocation", physicalLocation(result.subject(), namespace));
    if (result.subject() != null) {
      ObjectRef subject = result.subject();
      ObjectNode logical = location.putArray("logicalLocations").addObject();
      logical.put("name", subject.name());
      logical.put("fullyQualifiedName", fullyQualifiedName(subject));
      logical.put("kind", "resource");
    }
    if (result.image() != null) {
      location.putObject("properties").put("image", result.image());
    }
    node.putArray("locations").add(location);
    node.putObject("partialFingerprints").put(FINGERPRINT, fingerprint(result));
    ObjectNode properties = node.putObject("properties");
    properties.put("status", result.status().word());
    properties.put("severity", result.severity().word());
    if (result.status() == Status.ERROR) {
      properties.put("checkCouldNotRun", true);
    }
    if (result.image() != null) {
      properties.put("image", result.image());
    }
    if (result.remediation() != null) {
      properties.put("remediation", result.remediation());
    }
    properties.set("evidence", MAPPER.valueToTree(result.evidence()));
    return node;
  }

  /**
   * Where the result's object came from; else the object's {@code k8s://} URI; else, for a result
   * about no object, the namespace's. GitHub code scanning needs a physical location with a URI and
   * a start line on every result, so an unknown line is line 1.
   */
  private ObjectNode physicalLocation(@Nullable ObjectRef subject, String namespace) {
    SourceLocations.SourceLocation where =
        subject == null
            ? new SourceLocations.SourceLocation(SourceLocations.namespaceUri(namespace), 0)
            : locations
                .of(subject)
                .orElseGet(
                    () ->
                        new SourceLocations.SourceLocation(
                            SourceLocations.kubernetesUri(subject), 0));
    ObjectNode physical = MAPPER.createObjectNode();
    physical.putObject("artifactLocation").put("uri", where.uri());
    physical.putObject("region").put("startLine", Math.max(1, where.line()));
    return physical;
  }

  /**
   * A digest of rule, object and image: the same finding gets the same fingerprint in every run,
   * whatever its message says (messages hold times and counts). Neither holds a secret value.
   */
  static String fingerprint(Result result) {
    ObjectRef ref = result.subject();
    String subject = ref == null ? "" : fullyQualifiedName(ref);
    String image = Objects.requireNonNullElse(result.image(), "");
    // NUL separates the parts: valid rule ids, object names and image references never hold one.
    String identity = result.rule() + '\0' + subject + '\0' + image;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** {@code namespace/Kind/name}, or {@code Kind/name} for cluster-scoped objects. */
  static String fullyQualifiedName(ObjectRef ref) {
    String kindAndName = ref.kind() + "/" + ref.name();
    return ref.namespace() == null ? kindAndName : ref.namespace() + "/" + kindAndName;
  }

  /**
   * SARIF wants a readable identifier: {@code pullsecret.registry-match → PullsecretRegistryMatch}.
   */
  static String name(String ruleId) {
    StringBuilder name = new StringBuilder();
    boolean upper = true;
    for (int i = 0; i < ruleId.length(); i++) {
      char c = ruleId.charAt(i);
      if (c == '.' || c == '-') {
        upper = true;
      } else {
        name.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return name.toString();
  }

  private static String level(Severity severity) {
    return switch (severity) {
      case CRITICAL -> "error";
      case WARNING -> "warning";
      case INFO -> "note";
    };
  }

  private static String level(Status status) {
    return switch (status) {
      case FAIL -> "error";
      case WARN -> "warning";
      default -> "note";
    };
  }
}
