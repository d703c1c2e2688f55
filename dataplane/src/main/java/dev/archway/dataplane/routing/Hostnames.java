package dev.archway.dataplane.routing;

import java.util.Locale;
import java.util.regex.Pattern;

/** Hostname spelling rules shared by virtual hosts and routes. */
final class Hostnames {
  /** {@code *}, {@code *.example.com} or {@code example.com}: RFC 1123 labels, lower case. */
  private static final Pattern HOSTNAME =
      Pattern.compile(
          "\\*|(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private Hostnames() {}

  /** Lower-cases and checks an IR hostname; throws IllegalArgumentException when malformed. */
  static String canonical(String hostname) {
    String lower = hostname.toLowerCase(Locale.ROOT);
    if (!HOSTNAME.matcher(lower).matches()) {
      throw new IllegalArgumentException(hostname + " (expected: *, *.example.com or example.com)");
    }
    return lower;
  }

  /**
   * The host a request asks for: the Host header (or {@code :authority}) without its port,
   * lower-cased and without a trailing dot. An IPv6 literal keeps its brackets. Missing → "".
   */
  static String fromHeader(String host) {
    if (host == null || host.isEmpty()) {
      return "";
    }
    String h = host;
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      h = close < 0 ? h : h.substring(0, close + 1);
    } else {
      int colon = h.indexOf(':');
      if (colon >= 0) {
        h = h.substring(0, colon);
      }
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.toLowerCase(Locale.ROOT);
  }
}
