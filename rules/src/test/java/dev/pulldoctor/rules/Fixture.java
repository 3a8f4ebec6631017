package dev.pulldoctor.rules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.pulldoctor.rules.airbyte.AirbyteInstall;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.ConnectorDiscovery;
import dev.pulldoctor.rules.model.CustomConnector;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.RegistryObservation;
import dev.pulldoctor.rules.model.Snapshot;
import dev.pulldoctor.rules.model.Source;
import dev.pulldoctor.rules.model.SourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A rule fixture: {@code fixtures/<rule-id>/<status>.<case>.yaml}, multi-document YAML of
 * Kubernetes objects plus header comments: {@code # image: REF} (repeatable, like --image), {@code
 * # namespace: NS}, {@code # forbidden: RESOURCE} (a 403 on listing it), {@code # now: RFC3339},
 * {@code # include: FILE} (objects shared by many fixtures, from {@code fixtures/_base}), and
 * {@code # expect: TEXT} (repeatable: some result of the expected status must contain TEXT in its
 * message or remediation), {@code # reject: TEXT} (repeatable: no result may contain TEXT in its
 * message or remediation). What Airbyte's API answered: {@code # airbyte-api: OUTCOME | ENDPOINT |
 * CREDENTIAL_SOURCE [| DETAIL]}, {@code # airbyte-server: NS/NAME} and {@code # airbyte-connector:
 * KIND | NAME | WORKSPACE | IMAGE [| ACTOR]} (repeatable). A document of {@code kind:
 * RegistryObservation} is what a live registry probe observed ({@link RegistryObservation}, fields
 * as in the record; empty lists may be left out), for the registry rules.
 */
public record Fixture(
    Path file,
    String ruleId,
    Status expected,
    List<String> images,
    List<String> expectations,
    List<String> rejections,
    Diagnosis diagnosis) {

  public static final Instant DEFAULT_NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
  private static final Pattern FIELD_SEPARATOR = Pattern.compile("\\s*\\|\\s*");
  private static final Pattern OBSERVATION_KIND =
      Pattern.compile("(?m)^kind:\\s*RegistryObservation\\s*$");
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).registerModule(new JavaTimeModule());

  /** Every fixture file under {@code root} (a {@code fixtures} directory), in name order. */
  public static List<Path> all(Path root) throws IOException {
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.toString().endsWith(".yaml"))
          .filter(p -> !p.getParent().getFileName().toString().equals("_base"))
          .sorted()
          .toList();
    }
  }

  public static Fixture load(Path file) throws IOException {
    String ruleId = file.getParent().getFileName().toString();
    String name = file.getFileName().toString();
    Status expected = Status.valueOf(name.substring(0, name.indexOf('.')).toUpperCase(Locale.ROOT));
    String text = Files.readString(file, StandardCharsets.UTF_8);
    List<String> images = new ArrayList<>();
    List<String> expectations = new ArrayList<>();
    List<String> rejections = new ArrayList<>();
    List<String> included = new ArrayList<>();
    List<String> forbidden = new ArrayList<>();
    String namespace = null;
    Instant now = DEFAULT_NOW;
    List<String> api = null;
    ObjectRef server = null;
    List<CustomConnector> connectors = new ArrayList<>();
    for (String line : text.lines().toList()) {
      String trimmed = line.strip();
      if (trimmed.startsWith("# image:")) {
        images.add(value(trimmed));
      } else if (trimmed.startsWith("# expect:")) {
        expectations.add(value(trimmed));
      } else if (trimmed.startsWith("# reject:")) {
        rejections.add(value(trimmed));
      } else if (trimmed.startsWith("# namespace:")) {
        namespace = value(trimmed);
      } else if (trimmed.startsWith("# include:")) {
        Path base = file.getParent().getParent().resolve("_base").resolve(value(trimmed));
        included.add(Files.readString(base, StandardCharsets.UTF_8));
      } else if (trimmed.startsWith("# forbidden:")) {
        forbidden.add(value(trimmed));
      } else if (trimmed.startsWith("# now:")) {
        now = Instant.parse(value(trimmed));
      } else if (trimmed.startsWith("# airbyte-api:")) {
        api = FIELD_SEPARATOR.splitAsStream(value(trimmed)).toList();
      } else if (trimmed.startsWith("# airbyte-server:")) {
        String ref = value(trimmed);
        server =
            ObjectRef.of(
                "Service", ref.substring(0, ref.indexOf('/')), ref.substring(ref.indexOf('/') + 1));
      } else if (trimmed.startsWith("# airbyte-connector:")) {
        List<String> f = FIELD_SEPARATOR.splitAsStream(value(trimmed)).toList();
        connectors.add(
            new CustomConnector(
                f.get(1),
                CustomConnector.Kind.valueOf(f.get(0).toUpperCase(Locale.ROOT)),
                f.get(2),
                f.get(3),
                f.size() > 4 ? f.get(4) : null));
      }
    }
    List<HasMetadata> objects = new ArrayList<>();
    List<RegistryObservation> observations = new ArrayList<>();
    for (String base : included) {
      objects.addAll(parse(base, observations));
    }
    objects.addAll(parse(text, observations));
    String airbyteNamespace = namespace != null ? namespace : guessNamespace(objects);
    for (HasMetadata object : objects) {
      if (object.getMetadata().getNamespace() == null) {
        object.getMetadata().setNamespace(airbyteNamespace);
      }
    }
    Snapshot.Builder builder =
        Snapshot.builder(now, new Source(SourceType.MANIFESTS, file.toString(), airbyteNamespace))
            .addAll(objects);
    observations.forEach(builder::registryObservation);
    for (String resource : forbidden) {
      builder.collectionError(
          new CollectionError(resource, "", airbyteNamespace, "list", 403, "Forbidden"));
    }
    if (api != null) {
      builder.connectorDiscovery(
          new ConnectorDiscovery(
              api.get(1),
              api.get(2),
              ConnectorDiscovery.Outcome.fromWord(api.get(0)),
              api.size() > 3 ? api.get(3) : null,
              server,
              connectors));
    }
    Snapshot snapshot = builder.build();
    return new Fixture(
        file,
        ruleId,
        expected,
        images,
        expectations,
        rejections,
        Diagnosis.of(snapshot, now, true, images));
  }

  private static String value(String headerLine) {
    return headerLine.substring(headerLine.indexOf(':') + 1).strip();
  }

  private static List<HasMetadata> parse(String text, List<RegistryObservation> observations)
      throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(text, -1)) {
      if (document.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
        continue;
      }
      if (OBSERVATION_KIND.matcher(document).find()) {
        observations.add(observation(document));
        continue;
      }
      KubernetesResource resource = SERIALIZATION.unmarshal(document, KubernetesResource.class);
      if (resource instanceof KubernetesList list) {
        objects.addAll(list.getItems());
      } else if (resource instanceof HasMetadata object) {
        objects.add(object);
      }
    }
    return objects;
  }

  /** Reads an observation strictly (unknown fields fail), filling in left-out empty lists. */
  private static RegistryObservation observation(String document) throws IOException {
    ObjectNode tree = (ObjectNode) YAML.readTree(document);
    tree.remove("apiVersion");
    tree.remove("kind");
    ObjectNode connection = (ObjectNode) tree.get("connection");
    if (connection != null && !connection.has("timings")) {
      connection.putArray("timings");
    }
    if (connection != null
        && connection.get("certificate") instanceof ObjectNode certificate
        && !certificate.has("names")) {
      certificate.putArray("names");
    }
    ObjectNode manifest = (ObjectNode) tree.get("manifest");
    if (manifest != null && !manifest.has("platforms")) {
      manifest.putArray("platforms");
    }
    return YAML.treeToValue(tree, RegistryObservation.class);
  }

  private static String guessNamespace(List<HasMetadata> objects) {
    List<String> launchers =
        AirbyteInstall.launcherNamespaces(
            objects.stream()
                .filter(Deployment.class::isInstance)
                .map(Deployment.class::cast)
                .toList());
    return launchers.isEmpty() ? "airbyte" : launchers.get(0);
  }
}
