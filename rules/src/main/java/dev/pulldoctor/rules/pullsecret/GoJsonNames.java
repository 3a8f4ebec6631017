package dev.pulldoctor.rules.pullsecret;

/**
 * Field-name matching as Go's {@code encoding/json} does it for struct fields: case-insensitive,
 * with Unicode simple folding, so {@code "Auths"}, {@code "AUTH"} and even {@code "uſername"} (long
 * s) are the fields the kubelet reads.
 */
final class GoJsonNames {
  private GoJsonNames() {}

  /**
   * The name folded to the form of the upper-case ASCII constants it is compared with. Only the two
   * non-ASCII letters that fold to ASCII ones (long s and the Kelvin sign) need mapping; any other
   * non-ASCII character keeps the name from matching, as in Go.
   */
  static String fold(String name) {
    StringBuilder folded = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'a' && c <= 'z') {
        folded.append((char) (c - 'a' + 'A'));
      } else if (c == '\u017F') {
        folded.append('S');
      } else if (c == '\u212A') {
        folded.append('K');
      } else {
        folded.append(c);
      }
    }
    return folded.toString();
  }
}
