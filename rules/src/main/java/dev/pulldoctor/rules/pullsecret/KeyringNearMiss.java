package dev.pulldoctor.rules.pullsecret;

import static dev.pulldoctor.rules.pullsecret.KubeletKeyring.DEFAULT_REGISTRY_HOST;
import static dev.pulldoctor.rules.pullsecret.KubeletKeyring.firstMismatch;
import static dev.pulldoctor.rules.pullsecret.KubeletKeyring.isDefaultRegistryMatch;
import static dev.pulldoctor.rules.pullsecret.KubeletKeyring.lower;
import static dev.pulldoctor.rules.pullsecret.KubeletKeyring.redact;
import static dev.pulldoctor.rules.pullsecret.KubeletKeyring.splitUrl;

import dev.pulldoctor.rules.goport.GoBytes;
import dev.pulldoctor.rules.goport.GoFilepath;
import dev.pulldoctor.rules.goport.GoUrl;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.Labels;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.MissReason;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.NearMiss;
import dev.pulldoctor.rules.pullsecret.KubeletKeyring.Stored;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The wording of {@link KubeletKeyring#nearMisses}: for an image no entry matches, which entries
 * were probably meant for it and which of the kubelet's {@code URLsMatch} checks (port, label
 * count, path prefix, host labels) or Docker Hub rules ({@code isDefaultRegistryMatch}) each one
 * fails. This goes beyond the kubelet, which only says that no credentials matched.
 *
 * <p>Explanations redact user info and escape control and format characters, and Go's error text is
 * withheld for keys holding {@code @}, as it could quote part of a password.
 */
final class KeyringNearMiss {
  private static final int MAX_SHOWN = 200;

  private record Problem(MissReason reason, String primary, String secondary) {}

  private KeyringNearMiss() {}

  /** The near misses among {@code stored} for an image no entry matches, in entry order. */
  static List<NearMiss> explain(List<Stored> stored, String image) {
    String target = GoBytes.of(image);
    GoUrl.Parsed targetUrl = KubeletKeyring.parseSchemeless(target);
    List<NearMiss> misses = new ArrayList<>();
    for (Stored s : stored) {
      String key = s.indexKey();
      NearMiss miss;
      if (key == null) {
        miss =
            miss(
                s,
                MissReason.INVALID_KEY,
                "key "
                    + quotedKey(s)
                    + " is ignored by the kubelet because Go's url.Parse rejects it ("
                    + errorDetail(s, s.parseError())
                    + ")");
      } else if (targetUrl == null) {
        miss = null;
      } else {
        miss = diagnose(s, key, target, image, targetUrl);
      }
      if (miss != null) {
        misses.add(miss);
      }
    }
    return List.copyOf(misses);
  }

  private static @Nullable NearMiss diagnose(
      Stored s, String key, String target, String image, GoUrl.Parsed targetUrl) {
    GoUrl.Parsed glob;
    try {
      glob = GoUrl.parse("https://" + key);
    } catch (GoUrl.ParseError e) {
      return miss(
          s,
          MissReason.INVALID_KEY,
          storedAs(s, key)
              + ", which Go's url.Parse rejects when the kubelet parses it again for matching ("
              + errorDetail(s, e.reason())
              + "), so it never matches");
    }
    Labels g = splitUrl(glob);
    Labels t = splitUrl(targetUrl);
    String keyHost = lower(String.join(".", g.labels()));
    String imageHost = lower(String.join(".", t.labels()));
    String shownImage = shown(image);
    if (isDefaultRegistryMatch(target) && isDockerHubFamily(keyHost)) {
      if (keyHost.equals(DEFAULT_REGISTRY_HOST)) {
        return fallbackKeyMiss(s, key, shownImage);
      }
      if (!keyHost.equals("docker.io")) {
        return miss(
            s,
            MissReason.DOCKER_HUB_ALIAS,
            "key "
                + quotedKey(s)
                + " is for "
                + shown(GoBytes.text(String.join(".", g.labels())))
                + ", which the kubelet does not treat as Docker Hub: for "
                + shownImage
                + " it uses keys for docker.io (such as 'docker.io') or, only when no key"
                + " matches, the key 'https://index.docker.io/v1/'");
      }
    }
    if (!isDefaultRegistryMatch(target)
        && isDockerHubFamily(imageHost)
        && (keyHost.equals("docker.io") || keyHost.equals(DEFAULT_REGISTRY_HOST))) {
      String hubHost = shown(GoBytes.text(String.join(".", t.labels())));
      return miss(
          s,
          MissReason.DOCKER_HUB_ALIAS,
          "the image "
              + shownImage
              + " names Docker Hub as "
              + hubHost
              + ", which the kubelet does not treat as Docker Hub, so key "
              + quotedKey(s)
              + " does not match and the Docker Hub fallback does not apply; write the image as"
              + " docker.io/... or add a key for "
              + hubHost);
    }
    if (!related(g.labels(), t.labels())) {
      return null;
    }
    List<Problem> problems = problems(s, glob, g, targetUrl, t, image);
    if (problems.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder(problems.get(0).primary());
    for (Problem p : problems.subList(1, problems.size())) {
      text.append("; also ").append(p.secondary());
    }
    return miss(s, problems.get(0).reason(), text.toString());
  }

  private static NearMiss fallbackKeyMiss(Stored s, String key, String shownImage) {
    if (lower(key).equals(DEFAULT_REGISTRY_HOST)) {
      return miss(
          s,
          MissReason.HOST_CASE,
          storedAs(s, key)
              + ", which differs from 'index.docker.io' only in letter case, so the kubelet's"
              + " Docker Hub fallback does not use it for "
              + shownImage
              + "; the kubelet compares keys case-sensitively");
    }
    return miss(
        s,
        MissReason.DOCKER_HUB_ALIAS,
        storedAs(s, key)
            + " rather than exactly 'index.docker.io', so the kubelet's Docker Hub fallback"
            + " does not use it for "
            + shownImage
            + ", and index.docker.io never matches docker.io images directly; write"
            + " 'https://index.docker.io/v1/' (with the trailing slash) or 'docker.io'");
  }

  /** The failing URLsMatch checks, in the kubelet's order. */
  private static List<Problem> problems(
      Stored s, GoUrl.Parsed glob, Labels g, GoUrl.Parsed target, Labels t, String image) {
    String key = quotedKey(s);
    String imageHostPort = shown(GoBytes.text(target.host()));
    String imageHost = shown(GoBytes.text(String.join(".", t.labels())));
    List<Problem> problems = new ArrayList<>();
    if (!g.port().equals(t.port())) {
      String keyPort = shown(GoBytes.text(g.port()));
      String imagePort = shown(GoBytes.text(t.port()));
      String primary =
          g.port().isEmpty()
              ? "key " + key + " has no port but the image is on " + imageHostPort
              : t.port().isEmpty()
                  ? "key "
                      + key
                      + " has port "
                      + keyPort
                      + " but the image is on "
                      + imageHost
                      + " without a port"
                  : "key " + key + " has port " + keyPort + " but the image is on " + imageHostPort;
      problems.add(
          new Problem(
              MissReason.PORT,
              primary + "; the kubelet requires equal ports",
              "the port differs (key: "
                  + (keyPort.isEmpty() ? "none" : keyPort)
                  + ", image: "
                  + (imagePort.isEmpty() ? "none" : imagePort)
                  + ")"));
    }
    int keyLabels = g.labels().size();
    int imageLabels = t.labels().size();
    if (keyLabels != imageLabels) {
      problems.add(
          new Problem(
              MissReason.LABEL_COUNT,
              "key "
                  + key
                  + " has "
                  + keyLabels
                  + " host labels but the image host "
                  + imageHost
                  + " has "
                  + imageLabels
                  + "; the kubelet compares hosts label by label and '*' matches exactly one"
                  + " label",
              "the key host has " + keyLabels + " labels where the image host has " + imageLabels));
    }
    if (!target.path().startsWith(glob.path())) {
      String keyPath = shown(GoBytes.text(glob.path()));
      String imagePath = shown(GoBytes.text(target.path()));
      StringBuilder primary =
          new StringBuilder("key ")
              .append(key)
              .append(" covers only image paths starting with '")
              .append(keyPath)
              .append("' but ")
              .append(shown(image))
              .append(" has path '")
              .append(imagePath)
              .append("'; the kubelet requires the key's path to be a plain string prefix of the")
              .append(" image path");
      if (lower(target.path()).startsWith(lower(glob.path()))) {
        primary.append(", and compares paths case-sensitively");
      }
      if (glob.path().equals("/v1") || glob.path().equals("/v2")) {
        primary.append(", and drops '/v1/' and '/v2/' only with the trailing slash");
      }
      problems.add(
          new Problem(
              MissReason.PATH_PREFIX,
              primary.toString(),
              "the key path '"
                  + keyPath
                  + "' is not a prefix of the image path '"
                  + imagePath
                  + "'"));
    }
    if (keyLabels == imageLabels) {
      int bad = firstMismatch(g.labels(), t.labels(), false);
      if (bad >= 0 && firstMismatch(g.labels(), t.labels(), true) < 0) {
        problems.add(
            new Problem(
                MissReason.HOST_CASE,
                "key "
                    + key
                    + " differs from the image host "
                    + imageHost
                    + " only in letter case; the kubelet compares hosts case-sensitively",
                "the host differs in letter case"));
      } else if (bad >= 0) {
        String keyLabel = shown(GoBytes.text(g.labels().get(bad)));
        String imageLabel = shown(GoBytes.text(t.labels().get(bad)));
        problems.add(
            new Problem(
                MissReason.GLOB,
                "key "
                    + key
                    + " does not match the image host "
                    + imageHost
                    + ": label '"
                    + keyLabel
                    + "' does not match '"
                    + imageLabel
                    + "'; the kubelet matches each host label with Go's filepath.Match",
                "host label '" + keyLabel + "' does not match '" + imageLabel + "'"));
      }
    }
    return problems;
  }

  /**
   * Whether a key host probably names the image's registry: single-label hosts must be equal, and
   * longer hosts must share the last two labels (the registrable domain, roughly), ignoring case.
   */
  private static boolean related(List<String> keyLabels, List<String> imageLabels) {
    int n = keyLabels.size();
    int m = imageLabels.size();
    if (n == 1 || m == 1) {
      return n == m && GoFilepath.match(lower(keyLabels.get(0)), lower(imageLabels.get(0)));
    }
    return GoFilepath.match(lower(keyLabels.get(n - 1)), lower(imageLabels.get(m - 1)))
        && GoFilepath.match(lower(keyLabels.get(n - 2)), lower(imageLabels.get(m - 2)));
  }

  private static boolean isDockerHubFamily(String host) {
    return host.equals("docker.io")
        || host.equals("docker.com")
        || host.endsWith(".docker.io")
        || host.endsWith(".docker.com");
  }

  private static NearMiss miss(Stored s, MissReason reason, String explanation) {
    return new NearMiss(
        s.entry().secretName(), redact(s.entry().registryKey()), reason, explanation);
  }

  private static String errorDetail(Stored s, String error) {
    // Go's message quotes parts of the key, and with a broken user:password@ those could be
    // parts of the password
    return s.entry().registryKey().indexOf('@') >= 0
        ? "details withheld because the key contains '@'"
        : shown(GoBytes.text(error));
  }

  // ---- strings ----

  /** Names the key of {@code s} and how it is stored ({@code key}, as the kubelet reads it). */
  private static String storedAs(Stored s, String key) {
    return "key " + quotedKey(s) + " is stored as '" + shown(GoBytes.text(key)) + "'";
  }

  private static String quotedKey(Stored s) {
    return "'" + shown(redact(s.entry().registryKey())) + "'";
  }

  /** Text safe to show: control and format characters escaped, long values cut. */
  private static String shown(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length() && out.length() < MAX_SHOWN) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        out.append(c);
      }
      i++;
    }
    if (i < s.length()) {
      out.append("...");
    }
    return out.toString();
  }
}
