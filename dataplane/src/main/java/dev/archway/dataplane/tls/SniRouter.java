package dev.archway.dataplane.tls;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Gateway listeners of one TLS-carrying port keyed by hostname, looked up by a ClientHello's
 * SNI with the rule the Gateway API uses for Host: the exact name, then the longest matching
 * wildcard ({@code *.example.com} matches one or more labels in front, never {@code example.com}),
 * then {@code *}. A ClientHello without SNI gets the {@code *} entry or nothing.
 *
 * @param <T> what a listener is to the caller
 */
public final class SniRouter<T> {
  private final Map<String, T> exact;
  private final Map<String, T> wildcards;
  private final T any;

  private SniRouter(Map<String, T> exact, Map<String, T> wildcards, T any) {
    this.exact = exact;
    this.wildcards = wildcards;
    this.any = any;
  }

  /**
   * @param byHostname lower-case listener hostnames ({@code *}, {@code *.example.com}, {@code
   *     example.com}) to values
   */
  public static <T> SniRouter<T> of(Map<String, T> byHostname) {
    Map<String, T> exact = new HashMap<>();
    Map<String, T> wildcards = new HashMap<>();
    T any = null;
    for (Map.Entry<String, T> e : byHostname.entrySet()) {
      String hostname = e.getKey();
      if (hostname.equals("*")) {
        any = e.getValue();
      } else if (hostname.startsWith("*.")) {
        wildcards.put(hostname.substring(1), e.getValue());
      } else {
        exact.put(hostname, e.getValue());
      }
    }
    return new SniRouter<>(Map.copyOf(exact), Map.copyOf(wildcards), any);
  }

  /** The listener for {@code sni} (null or empty when the client sent none), or null. */
  public T select(String sni) {
    if (sni == null || sni.isEmpty()) {
      return any;
    }
    String host = normalize(sni);
    T value = exact.get(host);
    if (value != null) {
      return value;
    }
    // Longest suffix first; the first dot is searched from index 1 so a label stays in front.
    for (int dot = host.indexOf('.', 1); dot > 0; dot = host.indexOf('.', dot + 1)) {
      value = wildcards.get(host.substring(dot));
      if (value != null) {
        return value;
      }
    }
    return any;
  }

  /**
   * Whether a Gateway API hostname ({@code *}, {@code *.example.com} for one or more labels, or an
   * exact name) matches {@code sni}; without SNI only {@code *} matches.
   */
  public static boolean matches(String pattern, String sni) {
    if (pattern.equals("*")) {
      return true;
    }
    if (sni == null || sni.isEmpty()) {
      return false;
    }
    String host = normalize(sni);
    if (pattern.startsWith("*.")) {
      String suffix = pattern.substring(1);
      return host.length() > suffix.length() && host.endsWith(suffix);
    }
    return pattern.equals(host);
  }

  static String normalize(String sni) {
    String host = sni.toLowerCase(Locale.ROOT);
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }
}
