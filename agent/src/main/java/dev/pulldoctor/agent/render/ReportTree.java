package dev.pulldoctor.agent.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.airbyte.TargetImage;
import dev.pulldoctor.rules.airbyte.Workload;
import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Summary;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.Source;
import java.util.Locale;

/**
 * The report as the JSON tree of the {@code pulldoctor/v1} contract (DESIGN.md, "Report"); YAML
 * renders the same tree. Field names are only ever added, never renamed.
 */
public final class ReportTree {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ReportTree() {}

  public static ObjectNode of(Report report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("apiVersion", Report.API_VERSION);
    root.put("kind", Report.KIND);
    root.put("generatedAt", report.generatedAt().toString());
    root.set("source", source(report.source()));
    root.set("airbyte", airbyte(report.airbyte()));
    ArrayNode images = root.putArray("images");
    report.images().forEach(i -> images.add(i.effective()));
    ArrayNode details = root.putArray("imageDetails");
    report.images().forEach(i -> details.add(imageDetail(i)));
    ArrayNode results = root.putArray("results");
    report.results().forEach(r -> results.add(result(r)));
    root.set("summary", summary(report.summary()));
    return root;
  }

  private static ObjectNode source(Source source) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("type", source.type().word());
    if (source.context() != null) {
      node.put("context", source.context());
    }
    node.put("namespace", source.namespace());
    return node;
  }

  private static ObjectNode airbyte(AirbyteInstall install) {
    ObjectNode node = MAPPER.createObjectNode();
    install.version().ifPresent(v -> node.put("version", v.text()));
    install.jobLauncher().map(Workload::name).ifPresent(n -> node.put("launcher", n));
    install.jobLauncher().ifPresent(w -> node.put("launcherComponent", w.component().shortName()));
    node.put("chart", install.chart().name().toLowerCase(Locale.ROOT));
    install.chartVersion().ifPresent(v -> node.put("chartVersion", v));
    install.release().ifPresent(r -> node.put("release", r));
    install
        .helmRelease()
        .ifPresent(
            r -> {
              // What the release record says of itself; its values stay out of the report.
              ObjectNode record = node.putObject("helmRelease");
              record.put("revision", r.revision());
              record.put("status", r.status());
              if (!r.chartVersion().isEmpty()) {
                record.put("chart", r.chartName() + "-" + r.chartVersion());
              }
              if (r.problem() != null) {
                record.put("problem", r.problem());
              }
            });
    node.put("namespace", install.namespace());
    node.put("jobNamespace", install.jobNamespace());
    node.put("jobServiceAccount", install.jobServiceAccount());
    ArrayNode secrets = node.putArray("pullSecrets");
    install.jobPodPullSecrets().forEach(secrets::add);
    install.connectorImageRegistry().ifPresent(r -> node.put("connectorImageRegistry", r));
    return node;
  }

  private static ObjectNode imageDetail(TargetImage image) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("image", image.effective());
    node.put("requested", image.requested());
    node.put("origin", image.origin().name().toLowerCase(Locale.ROOT));
    ArrayNode pods = node.putArray("pods");
    image.pods().forEach(p -> pods.add(p.name()));
    ArrayNode connectors = node.putArray("connectors");
    for (CustomConnector connector : image.connectors()) {
      ObjectNode item = connectors.addObject();
      item.put("name", connector.name());
      item.put("kind", connector.kind().word());
      item.put("workspace", connector.workspace());
      if (connector.actor() != null) {
        item.put("actor", connector.actor());
      }
    }
    return node;
  }

  private static ObjectNode result(Result result) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("rule", result.rule());
    node.put("status", result.status().word());
    node.put("severity", result.severity().word());
    if (result.subject() != null) {
      node.set("subject", ObjectRefTree.of(result.subject()));
    }
    if (result.image() != null) {
      node.put("image", result.image());
    }
    node.put("message", result.message());
    if (result.remediation() != null) {
      node.put("remediation", result.remediation());
    }
    if (result.fix() != null) {
      node.set("fix", FixTree.of(result.fix()));
    }
    JsonNode evidence = MAPPER.valueToTree(result.evidence());
    node.set("evidence", evidence);
    return node;
  }

  private static ObjectNode summary(Summary summary) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("pass", summary.pass());
    node.put("warn", summary.warn());
    node.put("fail", summary.fail());
    node.put("skip", summary.skip());
    node.put("error", summary.error());
    return node;
  }
}
