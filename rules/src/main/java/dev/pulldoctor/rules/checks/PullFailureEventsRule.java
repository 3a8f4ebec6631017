package dev.pulldoctor.rules.checks;

import dev.pulldoctor.rules.airbyte.ImageInventory;
import dev.pulldoctor.rules.checks.PullSignals.Kind;
import dev.pulldoctor.rules.checks.PullSignals.Signal;
import dev.pulldoctor.rules.classify.Classification;
import dev.pulldoctor.rules.classify.PullErrorCause;
import dev.pulldoctor.rules.engine.Diagnosis;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import dev.pulldoctor.rules.engine.Severity;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import dev.pulldoctor.rules.image.ImageReference;
import dev.pulldoctor.rules.model.CollectionError;
import dev.pulldoctor.rules.model.ObjectRef;
import dev.pulldoctor.rules.model.ResourceKind;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Recent pull failures of connector job pods, each classified and tied to the rule behind it. */
public final class PullFailureEventsRule implements Rule {
  static final RuleInfo INFO =
      new RuleInfo(
          "events.pull-failures",
          "Connector job pods pulled their images without failures in the last 24 h",
          Severity.CRITICAL,
          """
          When the kubelet cannot pull an image it records a Failed event ("Failed to pull image \
          ...: <runtime error>") and then BackOff events ("Back-off pulling image ..."); before \
          Kubernetes 1.32 the back-off text carries no cause, so the cause is in the preceding \
          Failed event. The runtime's error text (containerd, CRI-O or Docker) tells the cause \
          apart: credentials (401/403, "pull access denied", anonymous token), a missing tag \
          (manifest unknown, not found), the platform, DNS, timeouts, refused connections, TLS, \
          proxies, rate limits and registry errors. Docker Hub answers alike for a repository \
          that does not exist and a private one without access, so that answer is reported as \
          both. A FailedToRetrieveImagePullSecret event means a named pull secret is missing and \
          the kubelet pulled without it. Airbyte deletes job pods when a job ends and the API \
          server keeps events for an hour by default, so this check sees failures only while \
          they happen.\
          """,
          """
          Follow the rule each result points to (pulldoctor explain RULE_ID); the classified \
          cause names what to fix: credentials and pull secrets, the image name and tag, the \
          platform, or the nodes' network path to the registry.\
          """,
          List.of(
              "docs/classify.md (runtime error texts by cause, and the public issues its test"
                  + " corpus quotes)",
              "https://github.com/kubernetes/kubernetes/pull/127918 (from 1.32 the back-off message"
                  + " keeps the pull error)",
              "kubernetes/kubernetes pkg/kubelet/images/image_manager.go (events Failed, BackOff,"
                  + " InspectFailed, ErrImageNeverPull)"));

  static final Duration WINDOW = Duration.ofHours(24);
  private static final String WINDOW_TEXT = "in the last 24 h";

  /** Cluster text shown in a result is cut to this many characters. */
  static final int MAX_SHOWN_CHARS = 360;

  /** How far a cut moves to reach a space; past it, one long word is cut where it is. */
  private static final int WORD_SNAP = 40;

  private static final Pattern SECRET_NAMES = Pattern.compile("pull secrets \\(([^)]{1,512})\\)");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\s]+");

  @Override
  public RuleInfo info() {
    return INFO;
  }

  @Override
  public List<Result> evaluate(Diagnosis diagnosis) {
    String namespace = diagnosis.install().jobNamespace();
    // Either kind alone shows pull failures, so only both unreadable stop the check: not a kind
    // the engine could check for it (RuleInfo.reads).
    Optional<CollectionError> podsError =
        diagnosis.snapshot().collectionError(ResourceKind.PODS, namespace);
    Optional<CollectionError> eventsError =
        diagnosis.snapshot().collectionError(ResourceKind.EVENTS, namespace);
    ObjectRef subject = ObjectRef.of("Namespace", null, namespace);
    if (podsError.isPresent() && eventsError.isPresent()) {
      return List.of(
          Result.couldNotRun(INFO, subject, null, List.of(podsError.get(), eventsError.get())));
    }
    List<Pod> jobPods = ImageInventory.jobPods(diagnosis.snapshot(), namespace);
    PullSignals.Found found = PullSignals.collect(diagnosis.snapshot(), jobPods, namespace);
    Instant since = diagnosis.now().minus(WINDOW);
    List<Result> results = new ArrayList<>();
    int older = 0;
    for (Group group : groups(found.signals(), jobPods)) {
      Optional<Result> result = evaluate(diagnosis, namespace, group, since);
      if (result.isPresent()) {
        results.add(result.get());
      } else {
        older++;
      }
    }
    if (!results.isEmpty()) {
      return results;
    }
    Optional<CollectionError> unreadable = podsError.or(() -> eventsError);
    if (unreadable.isPresent()) {
      return List.of(
          Result.about(
              INFO,
              Status.ERROR,
              subject,
              "the check could only partly run: "
                  + unreadable.get().describe()
                  + "; what could be read shows no pull failure of job pods "
                  + WINDOW_TEXT));
    }
    if (found.jobPods() == 0 && found.jobPodEvents() == 0) {
      return List.of(nothingToLookAt(diagnosis, namespace, subject));
    }
    return List.of(pass(found, namespace, subject, older));
  }

  /** No job pod and no event of one: nothing shows whether pulls work, so the rule skips. */
  private static Result nothingToLookAt(Diagnosis diagnosis, String namespace, ObjectRef subject) {
    String message =
        diagnosis.install().jobLauncher().isEmpty()
            ? diagnosis.install().noLauncherExplanation()
                + ", so the namespace of job pods is unknown (see launcher.pull-secret-env)"
            : "no job pods and no events of job pods were found in namespace "
                + namespace
                + ", so there is no pull to judge (Airbyte deletes job pods when a job ends and"
                + " events expire after an hour by default; run pulldoctor while a sync, check or"
                + " spec job is failing)";
    return Result.about(INFO, Status.SKIP, subject, message)
        .withEvidence("jobPods", 0)
        .withEvidence("events", 0);
  }

  private static Result pass(
      PullSignals.Found found, String namespace, ObjectRef subject, int older) {
    String message =
        "no pull failures of job pods "
            + WINDOW_TEXT
            + " (checked "
            + plural(found.jobPods(), "job pod")
            + " and "
            + plural(found.jobPodEvents(), "image event")
            + " in namespace "
            + namespace
            + (older > 0 ? "; failures of " + plural(older, "image") + " are older" : "")
            + ")";
    return Result.about(INFO, Status.PASS, subject, message)
        .withEvidence("jobPods", found.jobPods())
        .withEvidence("events", found.jobPodEvents());
  }

  /** The signals about one image (or, when no image can be told, about one pod). */
  private record Group(@Nullable String image, List<Signal> signals) {}

  /**
   * Signals by image (by pod when the image is unknown). A missing pull secret is about the pod, so
   * it joins the failing images of its pod, else the pod's connector image.
   */
  private static List<Group> groups(List<Signal> signals, List<Pod> jobPods) {
    Map<String, Group> groups = new LinkedHashMap<>();
    for (Signal signal : signals) {
      if (signal.kind() != Kind.SECRET_MISSING) {
        group(groups, signal.image(), signal.pod()).signals().add(signal);
      }
    }
    for (Signal signal : signals) {
      if (signal.kind() != Kind.SECRET_MISSING) {
        continue;
      }
      List<Group> ofPod =
          groups.values().stream()
              .filter(g -> g.signals().stream().anyMatch(s -> s.pod().equals(signal.pod())))
              .toList();
      if (!ofPod.isEmpty()) {
        ofPod.forEach(g -> g.signals().add(signal));
        continue;
      }
      Pod pod =
          jobPods.stream()
              .filter(p -> signal.pod().equals(p.getMetadata().getName()))
              .findFirst()
              .orElse(null);
      String image = PullSignals.connectorImages(pod).stream().findFirst().orElse(null);
      group(groups, image, signal.pod()).signals().add(signal);
    }
    return List.copyOf(groups.values());
  }

  private static Group group(Map<String, Group> groups, @Nullable String image, String pod) {
    return groups.computeIfAbsent(
        image != null ? "image " + image : "pod " + pod, k -> new Group(image, new ArrayList<>()));
  }

  private static Optional<Result> evaluate(
      Diagnosis diagnosis, String namespace, Group group, Instant since) {
    Comparator<Signal> newestFirst =
        Comparator.comparing((Signal s) -> s.time() == null ? Instant.MAX : s.time()).reversed();
    List<Signal> recent =
        group.signals().stream().filter(s -> s.within(since)).sorted(newestFirst).toList();
    if (recent.isEmpty()) {
      return Optional.empty();
    }
    List<Signal> pulls = recent.stream().filter(s -> s.kind() != Kind.SECRET_MISSING).toList();
    // A pod that still waits on its image still lacks the secret it lacked when the event came.
    List<String> waiting =
        recent.stream().filter(s -> s.kind() == Kind.STATUS).map(Signal::pod).toList();
    Optional<Signal> secretMissing =
        group.signals().stream()
            .filter(s -> s.kind() == Kind.SECRET_MISSING)
            .filter(s -> s.within(since) || waiting.contains(s.pod()))
            .sorted(newestFirst)
            .findFirst();
    // A back-off repeats the outcome of an earlier attempt: look back past the window for it.
    Signal shown =
        Stream.concat(
                pulls.stream(),
                group.signals().stream()
                    .filter(s -> !s.within(since) && s.kind() != Kind.SECRET_MISSING)
                    .sorted(newestFirst))
            .filter(s -> s.classification().cause() != PullErrorCause.OTHER)
            .findFirst()
            .or(() -> secretMissing)
            .orElse(pulls.isEmpty() ? recent.get(0) : pulls.get(0));
    Classification classification = shown.classification();
    PullErrorCause cause = classification.cause();
    List<String> rules = new ArrayList<>(classification.rules());
    if (secretMissing.isPresent() && !rules.contains("pullsecret.exists")) {
      rules.add(0, "pullsecret.exists");
    }
    String image = group.image();
    List<String> pods = recent.stream().map(Signal::pod).distinct().sorted().toList();
    String pod = recent.get(0).pod();
    int count = count(recent);
    boolean failed = !pulls.isEmpty();

    StringBuilder message = new StringBuilder();
    message.append(image != null ? image : "an image of job pod " + pod).append(": ");
    String byPods = (pods.size() == 1 ? "pod " : "pods ") + String.join(", ", pods);
    if (!failed) {
      message.append("job pod ").append(pod).append(" names a pull secret that does not exist");
    } else if (recent.stream().anyMatch(s -> s.kind() == Kind.ATTEMPT || s.kind() == Kind.REPEAT)) {
      message
          .append(counted(recent, count))
          .append(" by job ")
          .append(byPods)
          .append(' ')
          .append(WINDOW_TEXT);
    } else {
      message.append("job ").append(byPods).append(" waiting on a pull error");
    }
    message.append("; cause ").append(cause.word());
    for (PullErrorCause alternative : classification.alternatives()) {
      message.append(" or ").append(alternative.word());
    }
    message.append(": ").append(classification.explanation());
    if (cause == PullErrorCause.OTHER && shown.kind() != Kind.ATTEMPT) {
      message.append(
          " No earlier \"Failed to pull image\" event of this image is left (events expire after"
              + " an hour by default).");
    }
    secretMissing
        .filter(s -> shown.kind() != Kind.SECRET_MISSING)
        .ifPresent(
            s ->
                message
                    .append(" The kubelet also could not retrieve the pod's pull secret(s) ")
                    .append(secretNames(s.message()))
                    .append(", so it pulled without them."));
    boolean inherited = !recent.contains(shown) && shown.kind() != Kind.SECRET_MISSING;
    message
        .append(inherited ? " From the preceding Failed event: \"" : " Newest message: \"")
        .append(shown(shown.message()))
        .append("\".");
    if (!rules.isEmpty()) {
      message.append(" See ").append(String.join(", ", rules)).append('.');
    }
    Status status = failed ? Status.FAIL : Status.WARN;
    Severity severity = failed ? severity(cause) : Severity.WARNING;
    Result result =
        new Result(
                INFO.id(),
                status,
                severity,
                ObjectRef.of("Pod", namespace, pod),
                image,
                message.toString(),
                null,
                Map.of(),
                null)
            .withFix(remediation(diagnosis, cause, rules, image, namespace, pod))
            .withCause(cause)
            .withDependsOn(List.copyOf(rules))
            .withEvidence("count", count)
            .withEvidence(
                "alternatives",
                classification.alternatives().stream().map(PullErrorCause::word).toList())
            .withEvidence("pods", pods);
    return Optional.of(result);
  }

  /** Failed attempts when the kubelet reported them, else back-offs, else the waiting state. */
  private static int count(List<Signal> recent) {
    for (Kind kind : List.of(Kind.ATTEMPT, Kind.REPEAT, Kind.SECRET_MISSING)) {
      int sum = recent.stream().filter(s -> s.kind() == kind).mapToInt(Signal::count).sum();
      if (sum > 0) {
        return sum;
      }
    }
    return 1;
  }

  private static String counted(List<Signal> recent, int count) {
    return recent.stream().anyMatch(s -> s.kind() == Kind.ATTEMPT)
        ? plural(count, "failed pull")
        : plural(count, "pull back-off");
  }

  private static Severity severity(PullErrorCause cause) {
    return switch (cause) {
      case RATE_LIMIT, REGISTRY_SERVER_ERROR, OTHER -> Severity.WARNING;
      default -> Severity.CRITICAL;
    };
  }

  private static Fix remediation(
      Diagnosis diagnosis,
      PullErrorCause cause,
      List<String> rules,
      @Nullable String image,
      String namespace,
      String pod) {
    Optional<ImageReference> reference =
        image == null ? Optional.empty() : ImageReference.tryParse(image);
    String imageWord = image == null ? "'<image>'" : Fixes.shellWord(image);
    boolean checkedHere =
        image != null && diagnosis.images().stream().anyMatch(t -> t.effective().equals(image));
    List<Step> steps = new ArrayList<>();
    String reason =
        switch (cause) {
          case AUTH, RATE_LIMIT -> {
            if (!checkedHere) {
              steps.add(
                  new Step.Manual(
                      "Check the pull secrets job pods get against this image's registry (this"
                          + " run did not check the image):",
                      "pulldoctor diagnose -n "
                          + Fixes.shellWord(diagnosis.install().namespace())
                          + " --image "
                          + imageWord));
            }
            yield checkedHere
                ? "The pull-secret checks of this run name what to change for the image (the"
                    + " secrets job pods get, matched to its registry and tried on it)."
                : "The registry refused the kubelet's credentials.";
          }
          case NOT_FOUND, PLATFORM -> {
            steps.add(
                new Step.Manual(
                    "See whether the tag exists and which platforms it has:",
                    "docker manifest inspect " + imageWord));
            yield "The registry has no image for this reference and the nodes' platform.";
          }
          case NETWORK_DNS, NETWORK_TIMEOUT, NETWORK_REFUSED, TLS, PROXY, REGISTRY_SERVER_ERROR -> {
            steps.add(
                new Step.Manual(
                    "Test the registry from a node (the node's runtime pulls, not the pod, so test"
                        + " with the node's DNS, proxy and CA settings):",
                    "curl -sv https://"
                        + reference
                            .map(r -> Fixes.shellWord(r.apiHost()))
                            .orElse("'<registry-host>'")
                        + "/v2/"));
            yield "The nodes did not reach the registry.";
          }
          case NEVER_PULL_POLICY -> {
            steps.add(
                new Step.Manual(
                    "Load the image onto the nodes, or pull it with IfNotPresent:",
                    "kind load docker-image "
                        + imageWord
                        + " --name "
                        + (Fixes.isAbctl(diagnosis.install())
                            ? "airbyte-abctl"
                            : "'<kind-cluster>'")));
            yield "The pull policy is Never and the image is not on the node.";
          }
          case INVALID_REFERENCE ->
              "Register the connector image in Airbyte with a valid, lower-case name without a"
                  + " scheme.";
          case OTHER -> "The runtime's message names no known cause.";
        };
    if (!rules.isEmpty()) {
      steps.add(
          new Step.Manual(
              "How the checks named above decide:",
              String.join(
                  "\n", rules.stream().map(rule -> "pulldoctor explain " + rule).toList())));
    }
    steps.add(
        new Step.Manual(
            "Read the pod's pull events while the pull fails:",
            "kubectl get events -n "
                + Fixes.shellWord(namespace)
                + " --field-selector involvedObject.name="
                + Fixes.shellWord(pod)));
    return Fix.of(reason, steps);
  }

  /**
   * Cluster text, on one line and cut short: it is shown, never interpreted. Runtimes append the
   * cause at the end of the chain, so a long text keeps its head and its tail, each cut at a space
   * when one is near, so no word (an image name, a URL) is shown cut in two.
   */
  static String shown(String text) {
    String line = CONTROL.matcher(text).replaceAll(" ").strip();
    if (line.length() <= MAX_SHOWN_CHARS) {
      return line;
    }
    int head = MAX_SHOWN_CHARS / 3;
    int headEnd = line.lastIndexOf(' ', head);
    if (headEnd < head - WORD_SNAP) {
      headEnd = head;
    }
    int tail = line.length() - (MAX_SHOWN_CHARS - head);
    int tailStart = line.indexOf(' ', tail);
    tailStart = tailStart < 0 || tailStart > tail + WORD_SNAP ? tail : tailStart + 1;
    return line.substring(0, headEnd).stripTrailing() + " … " + line.substring(tailStart);
  }

  private static String secretNames(String message) {
    Matcher names = SECRET_NAMES.matcher(message);
    return names.find() ? "(" + shown(names.group(1)) + ")" : "";
  }

  private static String plural(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
