package dev.pulldoctor.rules.pullsecret;

import dev.pulldoctor.rules.goport.GoBytes;
import dev.pulldoctor.rules.goport.GoFilepath;
import dev.pulldoctor.rules.goport.GoNet;
import dev.pulldoctor.rules.goport.GoUrl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Which pull-secret entries the kubelet tries for an image.
 *
 * <p>A port of kubernetes/kubernetes {@code pkg/credentialprovider/keyring.go}: {@code
 * BasicDockerKeyring.Add} and {@code Lookup}, {@code URLsMatch}, {@code URLsMatchStr}, {@code
 * ParseSchemelessURL}, {@code SplitURL} and {@code isDefaultRegistryMatch}. The Go library code
 * they rely on is ported byte-exactly in {@code dev.pulldoctor.rules.goport}: {@code net/url.Parse}
 * ({@link GoUrl}), {@code net.SplitHostPort} ({@link GoNet}), {@code net/netip.ParseAddr} and
 * {@code path/filepath.Match} ({@link GoFilepath}).
 *
 * <p>Go strings are byte strings, so matching works on "byte strings" ({@link GoBytes}): Java
 * strings holding one UTF-8 byte per char.
 *
 * <p>{@link #nearMisses} goes beyond the kubelet: it explains entries that were probably meant for
 * the image ({@link KeyringNearMiss}). Entries whose key {@code url.Parse} rejects are always
 * listed there ({@link MissReason#INVALID_KEY}): the kubelet ignores them for every image, and what
 * they were meant for cannot be told reliably.
 *
 * <p>Keys in results and explanations have any {@code user:password@} part replaced by {@code
 * REDACTED@}. Nothing here throws on hostile strings.
 */
public final class KubeletKeyring {

  /**
   * One registry entry of one pull secret, in the order the pod lists secrets and the payload lists
   * entries.
   *
   * @param registryKey the key as the payload writes it. Pass the raw key, not a redacted one: a
   *     key such as {@code https://user:pa/ss@host} does not parse, so the kubelet ignores it,
   *     while its redacted form {@code https://REDACTED@host} parses and would match. For an entry
   *     made by {@link #indexed}, the key shown in results.
   * @param index the kubelet's index key when the caller computed it from the raw key (see {@link
   *     #indexed}); null to have {@link #of} compute it from {@code registryKey}
   */
  public record Entry(String secretName, String registryKey, @Nullable IndexKey index) {
    public Entry {
      Objects.requireNonNull(secretName, "secretName");
      Objects.requireNonNull(registryKey, "registryKey");
    }

    public Entry(String secretName, String registryKey) {
      this(secretName, registryKey, null);
    }

    /**
     * An entry whose index key was computed from the raw key when the secret was parsed, so the raw
     * key (which may hold a password) need not be kept: matching uses {@code indexKey} exactly as
     * the kubelet would have filed the raw key, and results show {@code shownKey}.
     *
     * @param indexKey {@code host[:port][/path]} as {@code Add} files the raw key, or null when
     *     {@code url.Parse} rejects the raw key and the kubelet ignores the entry
     */
    public static Entry indexed(String secretName, String shownKey, @Nullable String indexKey) {
      return new Entry(secretName, shownKey, new IndexKey(indexKey));
    }
  }

  /** A precomputed index key; {@code key} is null for a key the kubelet rejects. */
  public record IndexKey(@Nullable String key) {}

  /**
   * A matching entry.
   *
   * @param registryKey the key as written, user info redacted
   * @param indexKey the normalised key the kubelet indexes under ({@code host[:port][/path]},
   *     scheme and {@code /v1/} or {@code /v2/} stripped)
   * @param dockerHubFallback matched only through the kubelet's Docker Hub default-registry
   *     fallback (index key {@code index.docker.io} for a Docker Hub image)
   */
  public record Match(
      String secretName, String registryKey, String indexKey, boolean dockerHubFallback) {}

  /** Why an entry that looks meant for an image does not match it. */
  public enum MissReason {
    /** The ports differ; no port only equals no port. */
    PORT,
    /** The hosts have different numbers of dot-separated labels. */
    LABEL_COUNT,
    /** The key's path is not a string prefix of the image path. */
    PATH_PREFIX,
    /** The hosts differ only in letter case, and the kubelet compares them case-sensitively. */
    HOST_CASE,
    /** Same number of labels, but a host label does not match. */
    GLOB,
    /** A Docker Hub key or image written in a form the kubelet does not treat as Docker Hub. */
    DOCKER_HUB_ALIAS,
    /** Go's {@code url.Parse} rejects the key, so the kubelet ignores the entry. */
    INVALID_KEY
  }

  /**
   * An entry that does not match but was probably meant for the image.
   *
   * @param registryKey the key as written, user info redacted
   * @param explanation one sentence without a trailing period naming the key and the image and
   *     saying why the kubelet does not match them
   */
  public record NearMiss(
      String secretName, String registryKey, MissReason reason, String explanation) {}

  static final String DEFAULT_REGISTRY_HOST = "index.docker.io";

  /** An entry as {@code Add} saw it: its index key, or null and Go's error when rejected. */
  record Stored(Entry entry, @Nullable String indexKey, String parseError) {}

  /** A host split into dot-separated labels, and its port ("" for none), as {@code SplitURL}. */
  record Labels(List<String> labels, String port) {}

  private final List<Stored> stored;
  private final List<String> index;

  private KubeletKeyring(List<Stored> stored, List<String> index) {
    this.stored = List.copyOf(stored);
    this.index = List.copyOf(index);
  }

  /** Builds the keyring as {@code BasicDockerKeyring.Add} does for all the pod's secrets. */
  public static KubeletKeyring of(List<Entry> entries) {
    List<Stored> stored = new ArrayList<>(entries.size());
    // The kubelet de-duplicates and reverse-sorts so that longer paths are tried first.
    TreeSet<String> index = new TreeSet<>(Comparator.reverseOrder());
    for (Entry entry : entries) {
      if (entry.index() != null) {
        String key = entry.index().key();
        if (key == null) {
          stored.add(new Stored(entry, null, "the key does not parse as a URL"));
        } else {
          index.add(GoBytes.of(key));
          stored.add(new Stored(entry, GoBytes.of(key), ""));
        }
        continue;
      }
      try {
        String key = indexKey(GoBytes.of(entry.registryKey()));
        index.add(key);
        stored.add(new Stored(entry, key, ""));
      } catch (GoUrl.ParseError e) {
        stored.add(new Stored(entry, null, e.reason()));
      }
    }
    return new KubeletKeyring(stored, new ArrayList<>(index));
  }

  /**
   * The key {@code BasicDockerKeyring.Add} files an entry under: {@code https://} added when
   * neither {@code http://} nor {@code https://} starts the key (case matters), parsed with {@code
   * url.Parse}, a leading {@code /v1} or {@code /v2} removed from a path that continues with {@code
   * /}, and {@code host[:port]} kept with the path unless that is empty or {@code /}.
   *
   * @param registryKey the raw key as a byte string ({@link GoBytes#of})
   * @return the index key as a byte string
   * @throws GoUrl.ParseError when the kubelet logs the key as invalid and skips the entry
   */
  static String indexKey(String registryKey) throws GoUrl.ParseError {
    String value = registryKey;
    if (!value.startsWith("https://") && !value.startsWith("http://")) {
      value = "https://" + value;
    }
    GoUrl.Parsed parsed = GoUrl.parse(value);
    String path = parsed.path();
    // docker's ResolveAuthConfig treats /v1/ and /v2/ as the bare registry
    if (path.startsWith("/v2/") || path.startsWith("/v1/")) {
      path = path.substring(3);
    }
    return path.isEmpty() || path.equals("/") ? parsed.host() : parsed.host() + path;
  }

  /**
   * Entries the kubelet tries for this image, in its order: index keys in reverse lexicographic
   * byte order (most specific first), entries of one key in insertion order. If none match and the
   * image is a Docker Hub image, the entries indexed as {@code index.docker.io} (Docker Hub
   * fallback). Empty when nothing matches.
   *
   * <p>Within one secret the kubelet walks the {@code auths} map in random order, so the order of
   * two entries of one secret that share an index key is not fixed in the kubelet.
   */
  public List<Match> lookup(String image) {
    String target = GoBytes.of(image);
    List<Match> found = new ArrayList<>();
    GoUrl.Parsed targetUrl = parseSchemeless(target);
    if (targetUrl != null) {
      for (String key : index) {
        GoUrl.Parsed keyUrl = parseSchemeless(key);
        if (keyUrl != null && urlsMatch(keyUrl, targetUrl)) {
          addEntries(found, key, false);
        }
      }
    }
    if (found.isEmpty() && isDefaultRegistryMatch(target)) {
      addEntries(found, DEFAULT_REGISTRY_HOST, true);
    }
    return List.copyOf(found);
  }

  /**
   * For an image nothing matches: the entries that look meant for it (same host but another port,
   * path or letter case, a related host with another label count, a Docker Hub alias) and every
   * entry the kubelet ignores as invalid, in entry order. Empty when {@link #lookup} matches.
   */
  public List<NearMiss> nearMisses(String image) {
    if (!lookup(image).isEmpty()) {
      return List.of();
    }
    return KeyringNearMiss.explain(stored, image);
  }

  /**
   * {@code URLsMatchStr}: whether the key (schemeless, possibly with {@code *} globs in host
   * labels) matches the target. Unparsable input does not match.
   */
  public static boolean urlsMatch(String globKey, String target) {
    GoUrl.Parsed glob = parseSchemeless(GoBytes.of(globKey));
    GoUrl.Parsed url = parseSchemeless(GoBytes.of(target));
    return glob != null && url != null && urlsMatch(glob, url);
  }

  /** Go's {@code filepath.Match} for one host label; a malformed pattern matches nothing. */
  static boolean matchLabel(String pattern, String name) {
    return GoFilepath.match(GoBytes.of(pattern), GoBytes.of(name));
  }

  private void addEntries(List<Match> out, String key, boolean fallback) {
    for (Stored s : stored) {
      if (key.equals(s.indexKey())) {
        out.add(
            new Match(
                s.entry().secretName(),
                redact(s.entry().registryKey()),
                GoBytes.text(key),
                fallback));
      }
    }
  }

  // ---- keyring.go ----

  /**
   * Whether the kubelet takes the image for a Docker Hub image ({@code isDefaultRegistryMatch}).
   */
  static boolean isDefaultRegistryMatch(String image) {
    int slash = image.indexOf('/');
    String first = slash < 0 ? image : image.substring(0, slash);
    if (first.isEmpty()) {
      return false;
    }
    if (slash < 0 || first.equals("docker.io") || first.equals(DEFAULT_REGISTRY_HOST)) {
      return true;
    }
    // docker reads a first segment with '.' or ':' as a registry, anything else as a user
    return first.indexOf('.') < 0 && first.indexOf(':') < 0;
  }

  /** {@code ParseSchemelessURL}: the byte string parsed with {@code https://} in front. */
  static GoUrl.@Nullable Parsed parseSchemeless(String s) {
    return GoUrl.parseOrNull("https://" + s);
  }

  /** {@code SplitURL}: host labels and port; a host {@code SplitHostPort} rejects has no port. */
  static Labels splitUrl(GoUrl.Parsed url) {
    GoNet.HostPort hp = GoNet.splitHostPort(url.host());
    return hp == null
        ? new Labels(split(url.host(), '.'), "")
        : new Labels(split(hp.host(), '.'), hp.port());
  }

  private static boolean urlsMatch(GoUrl.Parsed glob, GoUrl.Parsed target) {
    Labels g = splitUrl(glob);
    Labels t = splitUrl(target);
    return g.port().equals(t.port())
        && g.labels().size() == t.labels().size()
        && target.path().startsWith(glob.path())
        && firstMismatch(g.labels(), t.labels(), false) < 0;
  }

  /** The index of the first label the glob label does not match, or -1 when all match. */
  static int firstMismatch(List<String> globs, List<String> names, boolean ignoreCase) {
    for (int i = 0; i < globs.size(); i++) {
      String glob = ignoreCase ? lower(globs.get(i)) : globs.get(i);
      String name = ignoreCase ? lower(names.get(i)) : names.get(i);
      if (!GoFilepath.match(glob, name)) {
        return i;
      }
    }
    return -1;
  }

  /** Go's strings.Split: keeps empty parts, "" gives [""]. */
  private static List<String> split(String s, char sep) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == sep) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }

  /** ASCII-only lower case, as the near-miss hints compare hosts; other bytes stay. */
  static String lower(String bytes) {
    StringBuilder out = new StringBuilder(bytes.length());
    for (int i = 0; i < bytes.length(); i++) {
      char c = bytes.charAt(i);
      out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return out.toString();
  }

  /** The key with everything between the scheme and the last '@' replaced by REDACTED. */
  static String redact(String key) {
    int at = key.lastIndexOf('@');
    if (at < 0) {
      return key;
    }
    int start = key.startsWith("https://") ? 8 : key.startsWith("http://") ? 7 : 0;
    return key.substring(0, start) + "REDACTED" + key.substring(at);
  }
}
