package dev.pulldoctor.rules.pullsecret;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Which pull-secret entries the kubelet tries for an image, and why the others do not apply.
 *
 * <p>A port of kubernetes/kubernetes {@code pkg/credentialprovider/keyring.go}: {@code
 * BasicDockerKeyring.Add} and {@code Lookup}, {@code URLsMatch}, {@code URLsMatchStr}, {@code
 * ParseSchemelessURL}, {@code SplitURL} and {@code isDefaultRegistryMatch}. The Go library code
 * they rely on is ported too: {@code net/url.Parse}, {@code net.SplitHostPort}, {@code
 * path/filepath.Match} (Unix, so {@code \} escapes) and {@code net/netip.ParseAddr} for bracketed
 * IPv6 hosts. {@code url.Parse} follows current Go: a {@code [} is only allowed at the start of the
 * host, as a valid bracketed IPv6 literal (Go's fixes for CVE-2025-47912 and CVE-2026-25679; older
 * kubelets also accepted {@code [...]} classes inside hosts), and an http(s) host may hold only one
 * colon (Go 1.26 {@code urlstrictcolons=1}, the default when go.mod says {@code godebug
 * default=go1.26}).
 *
 * <p>Go strings are byte strings: percent-decoding can yield any byte, {@code filepath.Match}
 * decodes UTF-8 itself and {@code sort.Strings} orders bytes. To keep those semantics, the port
 * works on "byte strings", Java strings holding one UTF-8 byte per char (the ISO-8859-1 view).
 *
 * <p>{@link #nearMisses} goes beyond the kubelet: it explains entries that were probably meant for
 * the image. Entries whose key {@code url.Parse} rejects are always listed there ({@link
 * MissReason#INVALID_KEY}): the kubelet ignores them for every image, and what they were meant for
 * cannot be told reliably.
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

  private static final String DEFAULT_REGISTRY_HOST = "index.docker.io";
  private static final int RUNE_ERROR = 0xFFFD;
  private static final int MAX_SHOWN = 200;

  /** An entry as {@code Add} saw it: its index key, or null and Go's error when rejected. */
  private record Stored(Entry entry, @Nullable String indexKey, String parseError) {}

  /** The fields of a parsed {@code url.URL} that matching uses, as byte strings. */
  private record Url(String host, String path) {}

  private record HostPort(String host, String port) {}

  private record Labels(List<String> labels, String port) {}

  private record Problem(MissReason reason, String primary, String secondary) {}

  /** Go's non-nil error from {@code url.Parse}; the reason follows Go's wording. */
  private static final class BadUrl extends Exception {
    final String reason;

    BadUrl(String reason) {
      super(reason, null, false, false);
      this.reason = reason;
    }
  }

  private enum Mode {
    PATH,
    HOST,
    ZONE,
    USERINFO,
    FRAGMENT
  }

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
          index.add(bytes(key));
          stored.add(new Stored(entry, bytes(key), ""));
        }
        continue;
      }
      String value = bytes(entry.registryKey());
      if (!value.startsWith("https://") && !value.startsWith("http://")) {
        value = "https://" + value;
      }
      try {
        Url parsed = parse(value);
        String path = parsed.path();
        // docker's ResolveAuthConfig treats /v1/ and /v2/ as the bare registry
        if (path.startsWith("/v2/") || path.startsWith("/v1/")) {
          path = path.substring(3);
        }
        String key = path.isEmpty() || path.equals("/") ? parsed.host() : parsed.host() + path;
        index.add(key);
        stored.add(new Stored(entry, key, ""));
      } catch (BadUrl e) {
        stored.add(new Stored(entry, null, e.reason));
      }
    }
    return new KubeletKeyring(stored, new ArrayList<>(index));
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
    String target = bytes(image);
    List<Match> found = new ArrayList<>();
    Url targetUrl = parseSchemelessOrNull(target);
    if (targetUrl != null) {
      for (String key : index) {
        Url keyUrl = parseSchemelessOrNull(key);
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
    String target = bytes(image);
    Url targetUrl = parseSchemelessOrNull(target);
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

  /**
   * {@code URLsMatchStr}: whether the key (schemeless, possibly with {@code *} globs in host
   * labels) matches the target. Unparsable input does not match.
   */
  public static boolean urlsMatch(String globKey, String target) {
    Url glob = parseSchemelessOrNull(bytes(globKey));
    Url url = parseSchemelessOrNull(bytes(target));
    return glob != null && url != null && urlsMatch(glob, url);
  }

  /** Go's {@code filepath.Match} for one host label; a malformed pattern matches nothing. */
  static boolean matchLabel(String pattern, String name) {
    return globMatch(bytes(pattern), bytes(name));
  }

  private void addEntries(List<Match> out, String key, boolean fallback) {
    for (Stored s : stored) {
      if (key.equals(s.indexKey())) {
        out.add(
            new Match(
                s.entry().secretName(), redact(s.entry().registryKey()), text(key), fallback));
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

  private static Url parseSchemeless(String s) throws BadUrl {
    return parse("https://" + s);
  }

  private static @Nullable Url parseSchemelessOrNull(String s) {
    try {
      return parseSchemeless(s);
    } catch (BadUrl e) {
      return null;
    }
  }

  private static Labels splitUrl(Url url) {
    HostPort hp = splitHostPort(url.host());
    return hp == null
        ? new Labels(split(url.host(), '.'), "")
        : new Labels(split(hp.host(), '.'), hp.port());
  }

  private static boolean urlsMatch(Url glob, Url target) {
    Labels g = splitUrl(glob);
    Labels t = splitUrl(target);
    return g.port().equals(t.port())
        && g.labels().size() == t.labels().size()
        && target.path().startsWith(glob.path())
        && firstMismatch(g.labels(), t.labels(), false) < 0;
  }

  private static int firstMismatch(List<String> globs, List<String> names, boolean ignoreCase) {
    for (int i = 0; i < globs.size(); i++) {
      String glob = ignoreCase ? lower(globs.get(i)) : globs.get(i);
      String name = ignoreCase ? lower(names.get(i)) : names.get(i);
      if (!globMatch(glob, name)) {
        return i;
      }
    }
    return -1;
  }

  // ---- net/url.Parse, for strings starting with "http://" or "https://" ----

  private static Url parse(String raw) throws BadUrl {
    int hash = raw.indexOf('#');
    String beforeFragment = hash < 0 ? raw : raw.substring(0, hash);
    for (int i = 0; i < beforeFragment.length(); i++) {
      char c = beforeFragment.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new BadUrl("invalid control character in URL");
      }
    }
    String rest = beforeFragment.substring(raw.startsWith("https://") ? 8 : 7);
    int query = rest.indexOf('?');
    if (query >= 0) {
      rest = rest.substring(0, query);
    }
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String host = parseAuthority(authority);
    String path = unescape(slash < 0 ? "" : rest.substring(slash), Mode.PATH);
    if (hash >= 0) {
      // Go rejects bad escapes in the fragment too, although nothing uses the fragment
      unescape(raw.substring(hash + 1), Mode.FRAGMENT);
    }
    return new Url(host, path);
  }

  private static String parseAuthority(String authority) throws BadUrl {
    int at = authority.lastIndexOf('@');
    String host = parseHost(at < 0 ? authority : authority.substring(at + 1));
    if (at >= 0) {
      String userinfo = authority.substring(0, at);
      if (!validUserinfo(userinfo)) {
        throw new BadUrl("invalid userinfo");
      }
      unescape(userinfo, Mode.USERINFO);
    }
    return host;
  }

  private static String parseHost(String host) throws BadUrl {
    int open = host.lastIndexOf('[');
    if (open > 0) {
      throw new BadUrl("invalid IP-literal");
    }
    if (open == 0) {
      int close = host.lastIndexOf(']');
      if (close < 0) {
        throw new BadUrl("missing ']' in host");
      }
      String colonPort = host.substring(close + 1);
      if (!validOptionalPort(colonPort)) {
        throw new BadUrl("invalid port " + goQuote(colonPort) + " after host");
      }
      String hostname = host.substring(1, close);
      int zone = hostname.indexOf("%25");
      String unescaped =
          zone < 0
              ? unescape(hostname, Mode.HOST)
              : unescape(hostname.substring(0, zone), Mode.HOST)
                  + unescape(hostname.substring(zone), Mode.ZONE);
      if (!isIpv6(unescaped)) {
        throw new BadUrl("invalid IP-literal");
      }
      return "[" + unescaped + "]" + colonPort;
    }
    int colon = host.indexOf(':');
    if (colon >= 0 && !validOptionalPort(host.substring(colon))) {
      throw new BadUrl("invalid port " + goQuote(host.substring(colon)) + " after host");
    }
    return unescape(host, Mode.HOST);
  }

  private static boolean validOptionalPort(String port) {
    if (port.isEmpty()) {
      return true;
    }
    if (port.charAt(0) != ':') {
      return false;
    }
    for (int i = 1; i < port.length(); i++) {
      if (port.charAt(i) < '0' || port.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean validUserinfo(String userinfo) {
    for (int i = 0; i < userinfo.length(); i++) {
      char c = userinfo.charAt(i);
      if (!isAlnum(c) && "-._:~!$&'()*+,;=%@".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String unescape(String s, Mode mode) throws BadUrl {
    boolean hostLike = mode == Mode.HOST || mode == Mode.ZONE;
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '%') {
        if (hostLike && c < 0x80 && shouldEscapeInHost(c)) {
          throw new BadUrl("invalid character " + goQuote(String.valueOf(c)) + " in host name");
        }
        out.append(c);
        i++;
        continue;
      }
      if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
        throw escapeError(s.substring(i, Math.min(i + 3, s.length())), mode);
      }
      int v = (unhex(s.charAt(i + 1)) << 4) | unhex(s.charAt(i + 2));
      boolean percent = v == '%';
      // RFC 3986 lets hosts percent-encode only non-ASCII bytes; RFC 6874 adds %25 for zones
      if (mode == Mode.HOST && v < 0x80 && !percent) {
        throw escapeError(s.substring(i, i + 3), mode);
      }
      if (mode == Mode.ZONE && !percent && v != ' ' && shouldEscapeInHost(v)) {
        throw escapeError(s.substring(i, i + 3), mode);
      }
      out.append((char) v);
      i += 3;
    }
    return out.toString();
  }

  private static BadUrl escapeError(String escape, Mode mode) {
    // the escape could be part of a password
    return new BadUrl(
        mode == Mode.USERINFO
            ? "invalid URL escape in userinfo"
            : "invalid URL escape " + goQuote(escape));
  }

  private static boolean shouldEscapeInHost(int c) {
    return !isAlnum(c) && "!$&'()*+,;=:[]<>\"-_.~".indexOf(c) < 0;
  }

  private static boolean isAlnum(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int unhex(char c) {
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
  }

  // ---- net/netip.ParseAddr, as url.Parse uses it: true for IPv6 (with zone), not IPv4 ----

  private static boolean isIpv6(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ':') {
        return parseIpv6(s);
      }
      if (c == '.' || c == '%') {
        return false;
      }
    }
    return false;
  }

  private static boolean parseIpv6(String in) {
    String s = in;
    int zone = s.indexOf('%');
    if (zone >= 0) {
      if (zone == s.length() - 1) {
        return false;
      }
      s = s.substring(0, zone);
    }
    boolean ellipsis = false;
    if (s.startsWith("::")) {
      ellipsis = true;
      s = s.substring(2);
      if (s.isEmpty()) {
        return true;
      }
    }
    int filled = 0;
    while (filled < 16) {
      int digits = 0;
      while (digits < s.length() && isHex(s.charAt(digits))) {
        if (digits == 4) {
          return false;
        }
        digits++;
      }
      if (digits == 0) {
        return false;
      }
      if (digits < s.length() && s.charAt(digits) == '.') {
        if ((!ellipsis && filled != 12) || filled + 4 > 16 || !isIpv4(s)) {
          return false;
        }
        filled += 4;
        s = "";
        break;
      }
      filled += 2;
      s = s.substring(digits);
      if (s.isEmpty()) {
        break;
      }
      if (s.charAt(0) != ':' || s.length() == 1) {
        return false;
      }
      s = s.substring(1);
      if (s.charAt(0) == ':') {
        if (ellipsis) {
          return false;
        }
        ellipsis = true;
        s = s.substring(1);
        if (s.isEmpty()) {
          break;
        }
      }
    }
    // "::" must stand for at least one zero group, and is needed when groups are missing
    return s.isEmpty() && (filled < 16 ? ellipsis : !ellipsis);
  }

  private static boolean isIpv4(String s) {
    int dots = 0;
    int value = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 1 && value == 0) {
          return false;
        }
        value = value * 10 + c - '0';
        digits++;
        if (value > 255) {
          return false;
        }
      } else if (c == '.') {
        if (i == 0 || i == s.length() - 1 || s.charAt(i - 1) == '.' || dots == 3) {
          return false;
        }
        dots++;
        value = 0;
        digits = 0;
      } else {
        return false;
      }
    }
    return dots == 3;
  }

  // ---- net.SplitHostPort; null where Go returns an error ----

  private static @Nullable HostPort splitHostPort(String hostport) {
    int colon = hostport.lastIndexOf(':');
    if (colon < 0) {
      return null;
    }
    String host;
    int noOpen = 0;
    int noClose = 0;
    if (hostport.charAt(0) == '[') {
      int end = hostport.indexOf(']');
      if (end < 0 || end + 1 != colon) {
        return null;
      }
      host = hostport.substring(1, end);
      noOpen = 1;
      noClose = end + 1;
    } else {
      host = hostport.substring(0, colon);
      if (host.indexOf(':') >= 0) {
        return null;
      }
    }
    if (hostport.indexOf('[', noOpen) >= 0 || hostport.indexOf(']', noClose) >= 0) {
      return null;
    }
    return new HostPort(host, hostport.substring(colon + 1));
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

  // ---- path/filepath.Match (Unix) on byte strings ----
  // Errors count as "no match", as in URLsMatch. That cannot turn a Go match into a miss:
  // a chunk only matches after all of it parsed, so a malformed chunk never matches.

  private static boolean globMatch(String pattern, String name) {
    int p = 0;
    int n = 0;
    chunks:
    while (p < pattern.length()) {
      boolean star = false;
      while (p < pattern.length() && pattern.charAt(p) == '*') {
        p++;
        star = true;
      }
      int end = chunkEnd(pattern, p);
      if (star && end == p) {
        return name.indexOf('/', n) < 0;
      }
      boolean last = end == pattern.length();
      int rest = matchChunk(pattern, p, end, name, n);
      if (rest >= 0 && (rest == name.length() || !last)) {
        n = rest;
        p = end;
        continue;
      }
      if (star) {
        for (int i = n; i < name.length() && name.charAt(i) != '/'; i++) {
          rest = matchChunk(pattern, p, end, name, i + 1);
          // the last chunk has to use up the name
          if (rest >= 0 && !(last && rest < name.length())) {
            n = rest;
            p = end;
            continue chunks;
          }
        }
      }
      return false;
    }
    return n == name.length();
  }

  private static int chunkEnd(String pattern, int from) {
    boolean inRange = false;
    int i = from;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        i++;
      } else if (c == '[') {
        inRange = true;
      } else if (c == ']') {
        inRange = false;
      } else if (c == '*' && !inRange) {
        return i;
      }
      i++;
    }
    return i;
  }

  /** Matches pattern[from, to) at name[start]: the index after the match, or -1. */
  private static int matchChunk(String pattern, int from, int to, String name, int start) {
    int c = from;
    int s = start;
    while (c < to) {
      if (s == name.length()) {
        return -1;
      }
      char pc = pattern.charAt(c);
      if (pc == '[') {
        long decoded = decodeRune(name, s, name.length());
        int r = runeOf(decoded);
        s += lowOf(decoded);
        c++;
        boolean negated = c < to && pattern.charAt(c) == '^';
        if (negated) {
          c++;
        }
        boolean matched = false;
        int ranges = 0;
        while (!(c < to && pattern.charAt(c) == ']' && ranges > 0)) {
          long lo = classChar(pattern, c, to);
          if (lo < 0) {
            return -1;
          }
          c = lowOf(lo);
          int hiRune = runeOf(lo);
          if (pattern.charAt(c) == '-') {
            long hi = classChar(pattern, c + 1, to);
            if (hi < 0) {
              return -1;
            }
            c = lowOf(hi);
            hiRune = runeOf(hi);
          }
          matched |= runeOf(lo) <= r && r <= hiRune;
          ranges++;
        }
        c++;
        if (matched == negated) {
          return -1;
        }
      } else if (pc == '?') {
        if (name.charAt(s) == '/') {
          return -1;
        }
        s += lowOf(decodeRune(name, s, name.length()));
        c++;
      } else {
        if (pc == '\\') {
          c++;
          if (c == to) {
            return -1;
          }
        }
        if (pattern.charAt(c) != name.charAt(s)) {
          return -1;
        }
        s++;
        c++;
      }
    }
    return s;
  }

  /** Go's getEsc: the class character at pattern[from], packed with the index after it, or -1. */
  private static long classChar(String pattern, int from, int to) {
    int c = from;
    if (c >= to || pattern.charAt(c) == '-' || pattern.charAt(c) == ']') {
      return -1;
    }
    if (pattern.charAt(c) == '\\') {
      c++;
      if (c >= to) {
        return -1;
      }
    }
    long decoded = decodeRune(pattern, c, to);
    if (runeOf(decoded) == RUNE_ERROR && lowOf(decoded) == 1) {
      return -1;
    }
    c += lowOf(decoded);
    return c >= to ? -1 : pack(runeOf(decoded), c);
  }

  /** Go's utf8.DecodeRuneInString on bytes[i, end): the rune packed with its width. */
  private static long decodeRune(String bytes, int i, int end) {
    int b0 = bytes.charAt(i);
    if (b0 < 0x80) {
      return pack(b0, 1);
    }
    int size;
    int rune;
    int lo = 0x80;
    int hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      size = 2;
      rune = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      size = 3;
      rune = b0 & 0x0F;
      lo = b0 == 0xE0 ? 0xA0 : lo; // no overlong forms
      hi = b0 == 0xED ? 0x9F : hi; // no surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      size = 4;
      rune = b0 & 0x07;
      lo = b0 == 0xF0 ? 0x90 : lo;
      hi = b0 == 0xF4 ? 0x8F : hi; // nothing above U+10FFFF
    } else {
      return pack(RUNE_ERROR, 1);
    }
    if (end - i < size) {
      return pack(RUNE_ERROR, 1);
    }
    for (int k = 1; k < size; k++) {
      int b = bytes.charAt(i + k);
      if (b < lo || b > hi) {
        return pack(RUNE_ERROR, 1);
      }
      lo = 0x80;
      hi = 0xBF;
      rune = (rune << 6) | (b & 0x3F);
    }
    return pack(rune, size);
  }

  /** A rune and a small non-negative int (a width or an index) in one long. */
  private static long pack(int rune, int low) {
    return ((long) rune << 32) | low;
  }

  private static int runeOf(long packed) {
    return (int) (packed >>> 32);
  }

  private static int lowOf(long packed) {
    return (int) packed;
  }

  // ---- near misses ----

  private static @Nullable NearMiss diagnose(
      Stored s, String key, String target, String image, Url targetUrl) {
    Url glob;
    try {
      glob = parseSchemeless(key);
    } catch (BadUrl e) {
      return miss(
          s,
          MissReason.INVALID_KEY,
          "key "
              + quotedKey(s)
              + " is stored as '"
              + shown(text(key))
              + "', which Go's url.Parse rejects when the kubelet parses it again for matching ("
              + errorDetail(s, e.reason)
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
                + shown(text(String.join(".", g.labels())))
                + ", which the kubelet does not treat as Docker Hub: for "
                + shownImage
                + " it uses keys for docker.io (such as 'docker.io') or, only when no key"
                + " matches, the key 'https://index.docker.io/v1/'");
      }
    }
    if (!isDefaultRegistryMatch(target)
        && isDockerHubFamily(imageHost)
        && (keyHost.equals("docker.io") || keyHost.equals(DEFAULT_REGISTRY_HOST))) {
      String hubHost = shown(text(String.join(".", t.labels())));
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
          "key "
              + quotedKey(s)
              + " is stored as '"
              + shown(text(key))
              + "', which differs from 'index.docker.io' only in letter case, so the kubelet's"
              + " Docker Hub fallback does not use it for "
              + shownImage
              + "; the kubelet compares keys case-sensitively");
    }
    return miss(
        s,
        MissReason.DOCKER_HUB_ALIAS,
        "key "
            + quotedKey(s)
            + " is stored as '"
            + shown(text(key))
            + "' rather than exactly 'index.docker.io', so the kubelet's Docker Hub fallback"
            + " does not use it for "
            + shownImage
            + ", and index.docker.io never matches docker.io images directly; write"
            + " 'https://index.docker.io/v1/' (with the trailing slash) or 'docker.io'");
  }

  /** The failing URLsMatch checks, in the kubelet's order. */
  private static List<Problem> problems(
      Stored s, Url glob, Labels g, Url target, Labels t, String image) {
    String key = quotedKey(s);
    String imageHostPort = shown(text(target.host()));
    String imageHost = shown(text(String.join(".", t.labels())));
    List<Problem> problems = new ArrayList<>();
    if (!g.port().equals(t.port())) {
      String keyPort = shown(text(g.port()));
      String imagePort = shown(text(t.port()));
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
      String keyPath = shown(text(glob.path()));
      String imagePath = shown(text(target.path()));
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
        String keyLabel = shown(text(g.labels().get(bad)));
        String imageLabel = shown(text(t.labels().get(bad)));
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
      return n == m && globMatch(lower(keyLabels.get(0)), lower(imageLabels.get(0)));
    }
    return globMatch(lower(keyLabels.get(n - 1)), lower(imageLabels.get(m - 1)))
        && globMatch(lower(keyLabels.get(n - 2)), lower(imageLabels.get(m - 2)));
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
        : shown(text(error));
  }

  // ---- strings ----

  /** The UTF-8 bytes of s, one per char; lone surrogates become U+FFFD as in Go's JSON decoder. */
  private static String bytes(String s) {
    boolean ascii = s.chars().allMatch(c -> c < 0x80);
    if (ascii) {
      return s;
    }
    StringBuilder valid = new StringBuilder(s.length());
    s.codePoints()
        .forEach(cp -> valid.appendCodePoint(cp >= 0xD800 && cp <= 0xDFFF ? RUNE_ERROR : cp));
    return new String(valid.toString().getBytes(UTF_8), ISO_8859_1);
  }

  /** The text a byte string encodes; invalid UTF-8 shows as U+FFFD. */
  private static String text(String bytes) {
    return new String(bytes.getBytes(ISO_8859_1), UTF_8);
  }

  private static String lower(String bytes) {
    StringBuilder out = new StringBuilder(bytes.length());
    for (int i = 0; i < bytes.length(); i++) {
      char c = bytes.charAt(i);
      out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
    }
    return out.toString();
  }

  private static String goQuote(String bytes) {
    return "\"" + bytes + "\"";
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
