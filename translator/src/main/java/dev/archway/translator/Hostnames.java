package dev.archway.translator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hostname rules shared by listeners and routes (apis/v1/shared_types.go {@code Hostname},
 * httproute_types.go {@code hostnames}).
 *
 * <p>A wildcard {@code *.example.com} matches one or more labels in place of the {@code *}, so
 * {@code a.example.com} and {@code a.b.example.com} but never {@code example.com}. A missing
 * hostname (null) matches every hostname.
 */
final class Hostnames {
  /** The hostname a route or listener without one serves: every hostname. */
  static final String ANY = "*";

  private static final Pattern HOSTNAME =
      Pattern.compile(
          "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  /** The CRD's pattern for a hostname, for messages. */
  static final String EXPECTED =
      "a lower-case DNS name, optionally prefixed with \"*.\", of at most 253 characters";

  /**
   * Most specific first: exact names before wildcards, longer before shorter, {@code *} last; ties
   * broken alphabetically so that the order is total.
   */
  static final Comparator<String> SPECIFICITY = Hostnames::compareSpecificity;

  private Hostnames() {}

  /** Whether a hostname is valid as the CRDs define it. */
  static boolean isValid(String hostname) {
    if (hostname == null || hostname.length() > 253) {
      return false;
    }
    return isDnsName(hostname, hostname.startsWith("*.") ? 2 : 0);
  }

  /**
   * Whether {@code h} from {@code start} is labels of {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?} joined
   * by dots: {@link #HOSTNAME} without the regular expression engine, which allocates on each of
   * the calls made for every hostname of every route.
   */
  private static boolean isDnsName(String h, int start) {
    int n = h.length();
    if (start >= n) {
      return false;
    }
    int labelStart = start;
    for (int i = start; i <= n; i++) {
      if (i == n || h.charAt(i) == '.') {
        if (i == labelStart || h.charAt(labelStart) == '-' || h.charAt(i - 1) == '-') {
          return false; // an empty label, or one that starts or ends with '-'
        }
        labelStart = i + 1;
      } else {
        char c = h.charAt(i);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
          return false;
        }
      }
    }
    return true;
  }

  /** The CRDs' pattern, kept as the reference the tests compare {@link #isValid} with. */
  static boolean matchesPattern(String hostname) {
    return hostname.length() <= 253 && HOSTNAME.matcher(hostname).matches();
  }

  static boolean isWildcard(String hostname) {
    return hostname.startsWith("*.");
  }

  /**
   * The hostnames both a listener and a route serve, or empty when they have none in common: the
   * more specific of the two when one contains the other. Either may be null for "any".
   */
  static Optional<String> intersect(String listener, String route) {
    if (listener == null) {
      return Optional.of(route == null ? ANY : route);
    }
    if (route == null || listener.equals(route)) {
      return Optional.of(listener);
    }
    if (isWildcard(listener) && covers(listener, route)) {
      return Optional.of(route);
    }
    if (isWildcard(route) && covers(route, listener)) {
      return Optional.of(listener);
    }
    return Optional.empty();
  }

  /**
   * The hostnames a route serves on a listener: every non-empty intersection of the listener's
   * hostname with one of the route's, in the route's order without duplicates; the listener's
   * hostname (or {@code *}) when the route names none; empty when none intersect.
   */
  static List<String> effective(String listener, List<String> routeHostnames) {
    if (routeHostnames.isEmpty()) {
      return List.of(listener == null ? ANY : listener);
    }
    Set<String> result = new LinkedHashSet<>();
    for (String route : routeHostnames) {
      intersect(listener, route).ifPresent(result::add);
    }
    return new ArrayList<>(result);
  }

  /** Whether a wildcard matches a name, which may itself be a narrower wildcard. */
  private static boolean covers(String wildcard, String name) {
    String suffix = wildcard.substring(1); // ".example.com"
    return name.length() > suffix.length() && name.endsWith(suffix);
  }

  /**
   * {@link #SPECIFICITY} written out: it runs for every pair of routes sorted on a listener, and
   * the composed form boxes and allocates on each comparison.
   */
  private static int compareSpecificity(String a, String b) {
    if (a.equals(b)) {
      return 0;
    }
    int byRank = Integer.compare(rank(a), rank(b));
    if (byRank != 0) {
      return byRank;
    }
    int byLength = Integer.compare(b.length(), a.length());
    return byLength != 0 ? byLength : a.compareTo(b);
  }

  private static int rank(String hostname) {
    if (hostname.equals(ANY)) {
      return 2;
    }
    return isWildcard(hostname) ? 1 : 0;
  }
}
