package dev.pulldoctor.rules.goport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cases from Go's path/filepath match_test.go (Unix); ErrBadPattern counts as false. */
class GoFilepathTest {

  @ParameterizedTest
  @CsvSource({
    "abc, abc, true",
    "*, abc, true",
    "*c, abc, true",
    "a*, a, true",
    "a*, abc, true",
    "a*, ab/c, false",
    "a*/b, abc/b, true",
    "a*/b, a/c/b, false",
    "a*b*c*d*e*/f, axbxcxdxe/f, true",
    "a*b*c*d*e*/f, axbxcxdxexxx/f, true",
    "a*b*c*d*e*/f, axbxcxdxe/xxx/f, false",
    "a*b*c*d*e*/f, axbxcxdxexxx/fff, false",
    "a*b?c*x, abxbbxdbxebxczzx, true",
    "a*b?c*x, abxbbxdbxebxczzy, false",
    "ab[c], abc, true",
    "ab[b-d], abc, true",
    "ab[e-g], abc, false",
    "ab[^c], abc, false",
    "ab[^b-d], abc, false",
    "ab[^e-g], abc, true",
    "a\\*b, a*b, true",
    "a\\*b, ab, false",
    "a?b, a☺b, true",
    "a[^a]b, a☺b, true",
    "a???b, a☺b, false",
    "a[^a][^a][^a]b, a☺b, false",
    "[a-ζ]*, α, true",
    "*[a-ζ], A, false",
    "a?b, a/b, false",
    "a*b, a/b, false",
    "[\\]a], ], true",
    "[\\-], -, true",
    "[x\\-], x, true",
    "[x\\-], -, true",
    "[x\\-], z, false",
    "[\\-x], x, true",
    "[\\-x], a, false",
    "[]a], ], false",
    "[-], -, false",
    "[x-], x, false",
    "[-x], x, false",
    "\\, a, false",
    "[a-b-c], a, false",
    "[, a, false",
    "[^, a, false",
    "[^bc, a, false",
    "a[, a, false",
    "a[, ab, false",
    "*x, xxx, true",
  })
  void matchesLikeGo(String pattern, String name, boolean expected) {
    assertThat(GoFilepath.match(GoBytes.of(pattern), GoBytes.of(name))).isEqualTo(expected);
  }

  @Test
  void decodesTheNameAsUtf8() {
    // an invalid byte is one rune (U+FFFD), so '?' takes it and a class can hold U+FFFD
    assertThat(GoFilepath.match("?", "\u00ff")).isTrue();
    assertThat(GoFilepath.match("??", GoBytes.of("\uD83D\uDE00"))).isFalse();
    assertThat(GoFilepath.match("?", GoBytes.of("\uD83D\uDE00"))).isTrue();
  }
}
