package dev.archway.dataplane.routing;

/**
 * Segment-wise path prefixes (HTTPRoute PathPrefix): {@code /abc} matches {@code /abc}, {@code
 * /abc/} and {@code /abc/x}, never {@code /abcd}. Prefixes are kept without their trailing slash,
 * so the prefix {@code /} is the empty string and matches every path.
 */
public final class PathPrefix {
  private PathPrefix() {}

  /** A normalized prefix without trailing slash: {@code /abc/} → {@code /abc}, {@code /} → "". */
  static String strip(String normalizedPrefix) {
    return normalizedPrefix.endsWith("/")
        ? normalizedPrefix.substring(0, normalizedPrefix.length() - 1)
        : normalizedPrefix;
  }

  /** Whether {@code path} lies under {@code prefix} ({@link #strip stripped}). */
  static boolean matches(String prefix, String path) {
    return path.startsWith(prefix)
        && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
  }

  /**
   * Replaces a matched prefix segment-wise (ReplacePrefixMatch): prefix {@code /prefix/one} with
   * {@code /one} maps {@code /prefix/one/two} to {@code /one/two}; replacing with {@code /} maps
   * {@code /strip-prefix/three} to {@code /three} and {@code /strip-prefix} to {@code /}, never to
   * {@code //} or an empty path. A path outside the prefix is returned unchanged.
   */
  public static String replace(String path, String matchedPrefix, String replacement) {
    String prefix = strip(matchedPrefix);
    if (!matches(prefix, path)) {
      return path;
    }
    String rest = path.substring(prefix.length());
    String result = strip(replacement) + rest;
    return result.isEmpty() ? "/" : result.startsWith("/") ? result : "/" + result;
  }
}
