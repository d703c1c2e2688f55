package dev.archway.dataplane.routing;

/**
 * A request-target split into the path used for matching and forwarding and the raw query.
 *
 * <p>The path is normalized once, here, and the same string is both matched and forwarded, so a
 * route can never be bypassed by a spelling of the path that the backend reads differently:
 *
 * <ol>
 *   <li>percent-encoded <em>unreserved</em> characters (RFC 3986 §2.3: letters, digits, {@code
 *       -._~}) are decoded; every other escape stays encoded with upper-case hex, so {@code %2F}
 *       never becomes a segment separator;
 *   <li>runs of {@code /} collapse into one;
 *   <li>dot segments are resolved (RFC 3986 §5.2.4); {@code ..} never climbs above the root.
 * </ol>
 *
 * A trailing slash is kept ({@code /abc/} is not {@code /abc}): Exact matches see the difference.
 * The query string is passed through untouched. Encoded slash and backslash ({@code %2F}, {@code
 * %5C}) stay encoded and a raw backslash is an ordinary character: none of them ever separates
 * segments, so {@code /a%2F..%2Fb} is one segment for matching and for the backend alike (no
 * decode-then-route bypass, CVE-2021-29492). The proxy forwards exactly this path.
 *
 * @param path the normalized path, always starting with {@code /}
 * @param rawQuery the text after the first {@code ?}, or null when there is none
 */
public record RequestTarget(String path, String rawQuery) {

  /**
   * Parses an origin-form ({@code /a?b}) or absolute-form ({@code http://h/a?b}) request-target.
   *
   * @throws IllegalArgumentException when the target is not a path or has a broken escape
   */
  public static RequestTarget parse(String uri) {
    String target = uri;
    int hash = target.indexOf('#');
    if (hash >= 0) {
      target = target.substring(0, hash);
    }
    if (!target.startsWith("/")) {
      target = stripSchemeAndAuthority(target);
    }
    int q = target.indexOf('?');
    String rawPath = q < 0 ? target : target.substring(0, q);
    String rawQuery = q < 0 ? null : target.substring(q + 1);
    return new RequestTarget(normalizePath(rawPath), rawQuery);
  }

  /** The path and query as they are forwarded. */
  public String pathAndQuery() {
    return rawQuery == null ? path : path + "?" + rawQuery;
  }

  private static String stripSchemeAndAuthority(String target) {
    int scheme = target.indexOf("://");
    if (scheme <= 0) {
      throw new IllegalArgumentException(
          "request-target: " + target + " (expected: /path or http://host/path)");
    }
    int slash = target.indexOf('/', scheme + 3);
    int query = target.indexOf('?', scheme + 3);
    if (slash < 0 || (query >= 0 && query < slash)) {
      return "/" + (query < 0 ? "" : target.substring(query));
    }
    return target.substring(slash);
  }

  /** Normalizes a path as described on this class; it must start with {@code /}. */
  public static String normalizePath(String rawPath) {
    if (!rawPath.startsWith("/")) {
      throw new IllegalArgumentException("path: " + rawPath + " (expected: to start with /)");
    }
    String decoded = decodeUnreserved(rawPath);
    if (isNormal(decoded)) {
      return decoded; // most paths: nothing to remove, no copy
    }
    StringBuilder out = new StringBuilder(decoded.length());
    int i = 0;
    int n = decoded.length();
    while (i < n) {
      // i is at a '/'; skip any run of slashes, then read one segment.
      while (i < n && decoded.charAt(i) == '/') {
        i++;
      }
      int end = decoded.indexOf('/', i);
      if (end < 0) {
        end = n;
      }
      String segment = decoded.substring(i, end);
      boolean last = end == n;
      if (segment.equals(".")) {
        if (last) {
          out.append('/');
        }
      } else if (segment.equals("..")) {
        int cut = out.lastIndexOf("/");
        out.setLength(Math.max(cut, 0));
        if (last) {
          out.append('/');
        }
      } else if (!segment.isEmpty() || last) {
        out.append('/').append(segment);
      }
      i = end;
    }
    return out.isEmpty() ? "/" : out.toString();
  }

  /**
   * Whether normalizing {@code path} would return it unchanged: no {@code //}, and no {@code .} or
   * {@code ..} segment anywhere (an empty last segment, a trailing slash, is kept as it is).
   */
  private static boolean isNormal(String path) {
    int n = path.length();
    for (int i = 0; i < n; i++) {
      if (path.charAt(i) != '/' || i + 1 == n) {
        continue;
      }
      char next = path.charAt(i + 1);
      if (next == '/') {
        return false;
      }
      if (next == '.') {
        int after = i + 2;
        if (after == n || path.charAt(after) == '/') {
          return false;
        }
        if (path.charAt(after) == '.' && (after + 1 == n || path.charAt(after + 1) == '/')) {
          return false;
        }
      }
    }
    return true;
  }

  private static String decodeUnreserved(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i + 2 >= path.length()) {
        throw new IllegalArgumentException("path: " + path + " (expected: %XX escapes)");
      }
      int hi = Character.digit(path.charAt(i + 1), 16);
      int lo = Character.digit(path.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("path: " + path + " (expected: %XX escapes)");
      }
      char decoded = (char) (hi * 16 + lo);
      if (isUnreserved(decoded)) {
        out.append(decoded);
      } else {
        out.append('%')
            .append(Character.toUpperCase(path.charAt(i + 1)))
            .append(Character.toUpperCase(path.charAt(i + 2)));
      }
      i += 2;
    }
    return out.toString();
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}
