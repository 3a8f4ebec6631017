package dev.pulldoctor.agent.collect;

import io.fabric8.kubernetes.api.model.ContainerImageBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * A large Airbyte namespace for the collector's request-count test and the benchmark harness
 * ({@code bench/run}): the {@code healthy-private-registry} example (launcher deployment, its
 * ConfigMap, {@code regcred}, the chart's RBAC) plus 2,000 job pods in mixed states, 10,000 events,
 * 500 secrets, 300 Roles and RoleBindings, and 50 nodes with 50 images each. Deterministic: the
 * same size always gives the same objects.
 */
public final class LargeNamespace {
  public static final String NAMESPACE = "airbyte";
  private static final String TEMPLATE_POD = "source-acme-check-";
  private static final String TEMPLATE_JOB_ID = "0f0a0253-32d9-4c07-8857-9d6a5321fa56";
  private static final String TEMPLATE_IMAGE = "registry.example.com/data-team/source-acme:1.2.0";
  private static final String TEMPLATE_DIGEST =
      "1e8bc527dd51b3058549726416f34ff95455fdf15b28500a14875d76a4abca79";

  /** How many objects of each kind; {@link #FULL} is the size the performance issue names. */
  public record Size(
      int jobPods,
      int events,
      int secrets,
      int rbacObjects,
      int nodes,
      int imagesPerNode,
      int images) {
    public static final Size FULL = new Size(2_000, 10_000, 500, 300, 50, 50, 40);

    /** The same namespace with {@code count} distinct connector images among the job pods. */
    public Size withImages(int count) {
      return new Size(jobPods, events, secrets, rbacObjects, nodes, imagesPerNode, count);
    }
  }

  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final Random random = new Random(42);
  private final Size size;

  private LargeNamespace(Size size) {
    this.size = size;
  }

  /** The objects, namespaced ones in {@value #NAMESPACE}, in the order they should be created. */
  public static List<HasMetadata> objects(Path examples, Size size) throws InputException {
    return new LargeNamespace(size).build(examples);
  }

  /** The connector image job pod number {@code index} runs. */
  public static String image(int index, Size size) {
    int connector = index % size.images();
    return "registry.example.com/data-team/"
        + connector(index, size)
        + ":1."
        + (connector % 7)
        + ".0";
  }

  private static String connector(int index, Size size) {
    return "source-c" + (index % size.images());
  }

  /**
   * Creates the objects in fabric8's mock API server (CRUD mode), four requests at a time. The CRUD
   * store scans every object on each create, so this takes tens of seconds for the full size.
   */
  public static void seed(KubernetesClient client, List<HasMetadata> objects) throws Exception {
    for (String namespace :
        objects.stream()
            .map(o -> o.getMetadata().getNamespace())
            .filter(Objects::nonNull)
            .distinct()
            .toList()) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> created = new ArrayList<>();
      for (HasMetadata object : objects) {
        created.add(pool.submit(() -> client.resource(object).create()));
      }
      for (Future<?> future : created) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Makes fabric8's mock API server (expectations mode) answer a LIST of each path in {@code paths}
   * with the objects of that kind, and an empty list where there are none. Any other request gets a
   * 404. Takes a second where {@link #seed} takes tens.
   */
  public static void serve(
      KubernetesMockServer server, List<HasMetadata> objects, List<String> paths) {
    KubernetesSerialization serialization = new KubernetesSerialization();
    Map<String, List<HasMetadata>> byPath = new LinkedHashMap<>();
    paths.forEach(p -> byPath.put(p, new ArrayList<>()));
    for (HasMetadata object : objects) {
      List<HasMetadata> items = byPath.get(listPath(object));
      if (items != null) {
        items.add(object);
      }
    }
    byPath.forEach(
        (kindPath, kindItems) ->
            listsOf(kindPath)
                .forEach(
                    (path, selected) -> {
                      List<Object> items =
                          kindItems.stream()
                              .filter(selected)
                              .map(o -> path.equals(kindPath) ? answered(o) : o)
                              .toList();
                      // As the API server pages: limit objects a page, a continue token while
                      // more remain.
                      int limit = (int) (path.endsWith("/events") ? Pages.EVENT_PAGE : Pages.PAGE);
                      int pages = Math.max(1, (items.size() + limit - 1) / limit);
                      for (int page = 0; page < pages; page++) {
                        Map<String, Object> metadata = new LinkedHashMap<>();
                        metadata.put("resourceVersion", "1");
                        if (page + 1 < pages) {
                          metadata.put("continue", "page" + (page + 1));
                        }
                        Map<String, Object> list = new LinkedHashMap<>();
                        list.put("apiVersion", "v1");
                        list.put("kind", "List");
                        list.put("metadata", metadata);
                        list.put(
                            "items",
                            items.subList(
                                page * limit, Math.min(items.size(), (page + 1) * limit)));
                        server
                            .expect()
                            .get()
                            .withPath(pagePath(path, page))
                            .andReturn(200, serialization.asJson(list))
                            .always();
                      }
                    }));
  }

  /**
   * The LISTs the collector makes of one kind's path, each with the objects it answers: one, except
   * for Secrets, which are listed as {@link SecretListing} lists them: every name in a
   * metadata-only LIST, data only in LISTs selected by type.
   */
  static Map<String, Predicate<HasMetadata>> listsOf(String path) {
    Map<String, Predicate<HasMetadata>> lists = new LinkedHashMap<>();
    lists.put(path, o -> true);
    if (path.endsWith("/secrets")) {
      lists.put(
          path + "?fieldSelector=type%3Dkubernetes.io%2Fdockerconfigjson",
          typed(SecretListing.DOCKER_CONFIG_JSON));
      lists.put(
          path + "?fieldSelector=type%3Dkubernetes.io%2Fdockercfg",
          typed(SecretListing.DOCKER_CFG));
      lists.put(
          path + "?fieldSelector=type%3Dhelm.sh%2Frelease.v1&labelSelector=owner%3Dhelm",
          typed("helm.sh/release.v1")
              .and(o -> "helm".equals(o.getMetadata().getLabels().get("owner"))));
    }
    return lists;
  }

  private static Predicate<HasMetadata> typed(String type) {
    return o -> o instanceof Secret secret && type.equals(secret.getType());
  }

  /**
   * The object as the plain LIST of its kind answers it: a Secret as the metadata-only LIST does
   * (PartialObjectMetadata, no data), anything else whole.
   */
  private static Object answered(HasMetadata object) {
    if (!(object instanceof Secret)) {
      return object;
    }
    Map<String, Object> partial = new LinkedHashMap<>();
    partial.put("apiVersion", "meta.k8s.io/v1");
    partial.put("kind", "PartialObjectMetadata");
    partial.put("metadata", object.getMetadata());
    return partial;
  }

  /**
   * The requests the collector makes to read {@code paths} as {@link #serve} pages them: one per
   * page.
   */
  public static List<String> pageRequests(List<HasMetadata> objects, List<String> paths) {
    List<String> requests = new ArrayList<>();
    for (String kindPath : paths) {
      List<HasMetadata> ofKind =
          objects.stream().filter(o -> kindPath.equals(listPath(o))).toList();
      listsOf(kindPath)
          .forEach(
              (path, selected) -> {
                long count = ofKind.stream().filter(selected).count();
                long limit = path.endsWith("/events") ? Pages.EVENT_PAGE : Pages.PAGE;
                long pages = Math.max(1, (count + limit - 1) / limit);
                for (int page = 0; page < pages; page++) {
                  requests.add("GET " + pagePath(path, page));
                }
              });
    }
    return requests;
  }

  /** The path of page {@code page} (from 0) of a LIST paged as the collector pages it. */
  public static String pagePath(String path, int page) {
    long limit = path.endsWith("/events") ? Pages.EVENT_PAGE : Pages.PAGE;
    String paging = (page == 0 ? "" : "continue=page" + page + "&") + "limit=" + limit;
    return path + (path.contains("?") ? "&" : "?") + paging;
  }

  /** The path a namespace-scoped LIST of the object's kind goes to, or the cluster-wide one. */
  public static String listPath(HasMetadata object) {
    String apiVersion = object.getApiVersion();
    String prefix = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
    String namespace = object.getMetadata().getNamespace();
    return prefix
        + (namespace == null ? "" : "/namespaces/" + namespace)
        + "/"
        + HasMetadata.getPlural(object.getClass());
  }

  private List<HasMetadata> build(Path examples) throws InputException {
    List<HasMetadata> example =
        new ManifestReader().read(List.of(examples.resolve("healthy-private-registry"))).objects();
    List<HasMetadata> objects = new ArrayList<>(example);
    Pod template =
        example.stream()
            .filter(Pod.class::isInstance)
            .map(Pod.class::cast)
            .filter(p -> p.getMetadata().getName().startsWith(TEMPLATE_POD))
            .findFirst()
            .orElseThrow();
    List<Event> templateEvents =
        example.stream()
            .filter(Event.class::isInstance)
            .map(Event.class::cast)
            .filter(e -> e.getInvolvedObject().getName().equals(template.getMetadata().getName()))
            .toList();
    List<Pod> pods = jobPods(template);
    objects.addAll(pods);
    objects.addAll(events(pods, templateEvents, size.events() - countOf(example, Event.class)));
    objects.addAll(secrets(size.secrets() - countOf(example, Secret.class)));
    objects.addAll(rbac(size.rbacObjects() - 2));
    objects.addAll(nodes());
    return objects;
  }

  private static int countOf(List<HasMetadata> objects, Class<?> kind) {
    return (int) objects.stream().filter(kind::isInstance).count();
  }

  /**
   * Copies of the example's check pod, each with its own job id, uid, IP and times, in a mix of
   * states: 6 in 10 succeeded, 1 failed, 1 running, 2 pending on a pull failure.
   */
  private List<Pod> jobPods(Pod template) {
    String json = serialization.asJson(template);
    String templateName = template.getMetadata().getName();
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < size.jobPods(); i++) {
      String jobId = uuid();
      String image = image(i, size);
      String name = connector(i, size) + "-check-" + jobId + "-0-" + suffix();
      String copy =
          json.replace(templateName, name)
              .replace(TEMPLATE_JOB_ID, jobId)
              .replace(TEMPLATE_IMAGE, image)
              .replace(TEMPLATE_DIGEST, sha256ish())
              .replace(template.getMetadata().getUid(), uuid())
              .replace("10.42.35.142", "10.42." + random.nextInt(256) + "." + random.nextInt(256))
              .replace("2026-11-12T10:05:", "2026-11-12T" + time());
      Pod pod = serialization.unmarshal(copy, Pod.class);
      switch (i % 10) {
        case 6 -> finish(pod, "Failed", 1);
        case 7 -> running(pod);
        case 8 -> pending(pod, "ErrImagePull", image);
        case 9 -> pending(pod, "ImagePullBackOff", image);
        default -> {
          // as the template: Succeeded
        }
      }
      pods.add(pod);
    }
    return pods;
  }

  private static void finish(Pod pod, String phase, int exitCode) {
    pod.getStatus().setPhase(phase);
    pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getName().equals("main"))
        .forEach(s -> s.getState().getTerminated().setExitCode(exitCode));
  }

  private static void running(Pod pod) {
    pod.getStatus().setPhase("Running");
    for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
      status.setState(
          new ContainerStateBuilder()
              .withNewRunning()
              .withStartedAt("2026-11-12T10:05:37Z")
              .endRunning()
              .build());
      status.setReady(true);
      status.setStarted(true);
    }
  }

  private static void pending(Pod pod, String reason, String image) {
    pod.getStatus().setPhase("Pending");
    List<ContainerStatus> statuses = new ArrayList<>();
    for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
      if (!status.getName().equals("main")) {
        statuses.add(status);
        continue;
      }
      statuses.add(
          new ContainerStatusBuilder()
              .withName("main")
              .withImage(image)
              .withImageID("")
              .withReady(false)
              .withRestartCount(0)
              .withStarted(false)
              .withNewState()
              .withNewWaiting()
              .withReason(reason)
              .withMessage(
                  reason.equals("ErrImagePull")
                      ? pullError(image)
                      : "Back-off pulling image \"" + image + "\"")
              .endWaiting()
              .endState()
              .build());
    }
    pod.getStatus().setContainerStatuses(statuses);
  }

  private static String pullError(String image) {
    return "failed to pull and unpack image \""
        + image
        + "\": failed to resolve reference \""
        + image
        + "\": unexpected status from HEAD request to https://registry.example.com/v2/: 401"
        + " Unauthorized";
  }

  /**
   * The template pod's events for each job pod in turn, plus Failed and BackOff events for pods
   * pending on a pull, and one event in 50 about the launcher's ReplicaSet.
   */
  private List<Event> events(List<Pod> pods, List<Event> templates, int count) {
    String templateName = templates.get(0).getInvolvedObject().getName();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Pod pod = pods.get((i / templates.size()) % pods.size());
      String podName = pod.getMetadata().getName();
      String image = pod.getSpec().getContainers().get(1).getImage();
      Event event;
      if (i % 50 == 49) {
        event = replicaSetEvent();
      } else if ("Pending".equals(pod.getStatus().getPhase()) && i % templates.size() >= 8) {
        event = pullFailure(pod, i % 2 == 0 ? "Failed" : "BackOff", image);
      } else {
        event = serialization.clone(templates.get(i % templates.size()));
        event.getInvolvedObject().setName(podName);
        event.getInvolvedObject().setUid(pod.getMetadata().getUid());
        if (event.getMessage() != null) {
          event.setMessage(
              event.getMessage().replace(templateName, podName).replace(TEMPLATE_IMAGE, image));
        }
      }
      event.getMetadata().setName(event.getInvolvedObject().getName() + "." + hex());
      event.getMetadata().setUid(uuid());
      event.getMetadata().setResourceVersion(null);
      events.add(event);
    }
    return events;
  }

  private Event pullFailure(Pod pod, String reason, String image) {
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(NAMESPACE)
        .withCreationTimestamp("2026-11-12T" + time() + "00Z")
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("v1")
        .withKind("Pod")
        .withName(pod.getMetadata().getName())
        .withNamespace(NAMESPACE)
        .withUid(pod.getMetadata().getUid())
        .withFieldPath("spec.containers{main}")
        .endInvolvedObject()
        .withReason(reason)
        .withType("Warning")
        .withMessage(
            reason.equals("Failed")
                ? "Failed to pull image \"" + image + "\": " + pullError(image)
                : "Back-off pulling image \"" + image + "\"")
        .withCount(1 + random.nextInt(30))
        .withFirstTimestamp("2026-11-12T10:05:40Z")
        .withLastTimestamp("2026-11-12T" + time() + "00Z")
        .withNewSource()
        .withComponent("kubelet")
        .withHost("ip-10-42-33-120.eu-west-1.compute.internal")
        .endSource()
        .build();
  }

  private Event replicaSetEvent() {
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(NAMESPACE)
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("apps/v1")
        .withKind("ReplicaSet")
        .withName("airbyte-workload-launcher-rsmjf29z4n")
        .withNamespace(NAMESPACE)
        .endInvolvedObject()
        .withReason("SuccessfulCreate")
        .withType("Normal")
        .withMessage("Created pod: airbyte-workload-launcher-rsmjf29z4n-" + suffix())
        .withFirstTimestamp("2026-11-12T" + time() + "00Z")
        .withLastTimestamp("2026-11-12T" + time() + "00Z")
        .withCount(1)
        .build();
  }

  /** One pull secret in five (other registries), the rest Opaque and Helm release secrets. */
  private List<Secret> secrets(int count) {
    List<Secret> secrets = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SecretBuilder secret =
          new SecretBuilder()
              .withNewMetadata()
              .withNamespace(NAMESPACE)
              .withCreationTimestamp("2026-11-03T14:05:41Z")
              .withUid(uuid())
              .endMetadata();
      if (i % 5 == 0) {
        String registry = "registry" + i + ".example.com";
        String auth = base64("robot-" + i + ":not-a-real-password-" + hex());
        String config =
            "{\"auths\":{\""
                + registry
                + "\":{\"username\":\"robot-"
                + i
                + "\",\"auth\":\""
                + auth
                + "\"}}}";
        secret
            .editMetadata()
            .withName("pull-" + i)
            .endMetadata()
            .withType("kubernetes.io/dockerconfigjson")
            .withData(Map.of(".dockerconfigjson", base64(config)));
      } else if (i % 5 == 1) {
        secret
            .editMetadata()
            .withName("sh.helm.release.v1.app" + i + ".v" + (1 + i % 4))
            .withLabels(Map.of("owner", "helm", "name", "app" + i, "status", "deployed"))
            .endMetadata()
            .withType("helm.sh/release.v1")
            .withData(Map.of("release", base64(hex().repeat(40))));
      } else {
        Map<String, String> data = new LinkedHashMap<>();
        for (int key = 0; key < 4; key++) {
          data.put("KEY_" + key, base64("value-" + hex()));
        }
        secret.editMetadata().withName("app-secret-" + i).endMetadata().withType("Opaque");
        secret.withData(data);
      }
      secrets.add(secret.build());
    }
    return secrets;
  }

  private List<HasMetadata> rbac(int count) {
    List<HasMetadata> objects = new ArrayList<>();
    for (int i = 0; i < count / 2; i++) {
      objects.add(
          new RoleBuilder()
              .withNewMetadata()
              .withName("app-role-" + i)
              .withNamespace(NAMESPACE)
              .endMetadata()
              .withRules(
                  new PolicyRuleBuilder()
                      .withApiGroups("")
                      .withResources("configmaps", "pods")
                      .withVerbs("get", "list", "watch")
                      .build(),
                  new PolicyRuleBuilder()
                      .withApiGroups("apps")
                      .withResources("deployments")
                      .withResourceNames("app-" + i)
                      .withVerbs("get", "patch")
                      .build())
              .build());
      objects.add(
          new RoleBindingBuilder()
              .withNewMetadata()
              .withName("app-role-" + i + "-binding")
              .withNamespace(NAMESPACE)
              .endMetadata()
              .withNewRoleRef("rbac.authorization.k8s.io", "Role", "app-role-" + i)
              .addNewSubject()
              .withKind("ServiceAccount")
              .withName("app-" + i)
              .withNamespace(NAMESPACE)
              .endSubject()
              .build());
    }
    return objects;
  }

  private List<Node> nodes() {
    List<Node> nodes = new ArrayList<>();
    for (int n = 0; n < size.nodes(); n++) {
      String name = "ip-10-42-" + n + "-" + (10 + n) + ".eu-west-1.compute.internal";
      NodeBuilder node =
          new NodeBuilder()
              .withNewMetadata()
              .withName(name)
              .withLabels(
                  Map.of(
                      "kubernetes.io/arch", "amd64",
                      "kubernetes.io/os", "linux",
                      "kubernetes.io/hostname", name,
                      "node.kubernetes.io/instance-type", "m6i.xlarge",
                      "topology.kubernetes.io/zone", "eu-west-1" + (char) ('a' + n % 3),
                      "eks.amazonaws.com/nodegroup", "airbyte-jobs"))
              .endMetadata()
              .withNewSpec()
              .withProviderID("aws:///eu-west-1a/i-0" + hex())
              .endSpec()
              .withNewStatus()
              .withNewNodeInfo()
              .withArchitecture("amd64")
              .withOperatingSystem("linux")
              .withContainerRuntimeVersion("containerd://1.7.27")
              .withKubeletVersion("v1.33.5-eks-113cf36")
              .withKernelVersion("6.1.155-176.282.amzn2023.x86_64")
              .withOsImage("Amazon Linux 2023.9.20251027")
              .endNodeInfo()
              .addNewCondition()
              .withType("Ready")
              .withStatus("True")
              .withReason("KubeletReady")
              .endCondition()
              .endStatus();
      for (int i = 0; i < size.imagesPerNode(); i++) {
        String image =
            i < 20 ? image((n + i) % size.jobPods(), size) : "docker.io/library/app-" + i;
        node.editStatus()
            .addToImages(
                new ContainerImageBuilder()
                    .withNames(
                        image.replaceFirst(":.*", "") + "@sha256:" + sha256ish(),
                        image.contains(":") ? image : image + ":1." + i)
                    .withSizeBytes(50_000_000L + random.nextInt(400_000_000))
                    .build())
            .endStatus();
      }
      nodes.add(node.build());
    }
    return nodes;
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private String hex() {
    return Long.toHexString(random.nextLong() | Long.MIN_VALUE);
  }

  private String sha256ish() {
    return hex() + hex() + hex() + hex();
  }

  private String suffix() {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append((char) ('a' + random.nextInt(26)));
    }
    return suffix.toString();
  }

  private String time() {
    return String.format(Locale.ROOT, "%02d:%02d:", random.nextInt(24), random.nextInt(60));
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
