/**
 * Byte-exact ports of the Go standard library functions the kubelet's credential lookup relies on:
 * {@code net/url.Parse}, {@code net.SplitHostPort}, {@code net/netip.ParseAddr} and {@code
 * path/filepath.Match}.
 *
 * <p>Go strings are byte strings: percent-decoding can yield any byte, {@code filepath.Match}
 * decodes UTF-8 itself and {@code sort.Strings} orders bytes. To keep those semantics the ports
 * work on "byte strings", Java strings holding one byte per char (the ISO-8859-1 view of the UTF-8
 * bytes); {@link dev.pulldoctor.rules.goport.GoBytes} converts. This package depends on nothing
 * else in pulldoctor.
 */
package dev.pulldoctor.rules.goport;
