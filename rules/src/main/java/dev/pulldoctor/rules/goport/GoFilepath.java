package dev.pulldoctor.rules.goport;

/**
 * A port of Go's {@code path/filepath.Match} for Unix ({@code \} escapes), on byte strings (see
 * {@link GoBytes}): {@code *}, {@code ?} and {@code [...]} classes, with the name decoded as UTF-8
 * the way Go's {@code utf8.DecodeRuneInString} does.
 *
 * <p>Go returns {@code ErrBadPattern} for a malformed pattern; here that counts as "no match", as
 * the kubelet's {@code URLsMatch} treats it. That cannot turn a Go match into a miss: a chunk only
 * matches after all of it parsed, so a malformed chunk never matches.
 */
public final class GoFilepath {
  private static final int RUNE_ERROR = GoBytes.RUNE_ERROR;

  private GoFilepath() {}

  /** Whether {@code name} matches the shell pattern; false for a malformed pattern. */
  public static boolean match(String pattern, String name) {
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
}
