package dev.archway.dataplane.tls;

import dev.archway.dataplane.routing.HostnameIndex;
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
  private final HostnameIndex<T> index;

  private SniRouter(HostnameIndex<T> index) {
    this.index = index;
  }

  /**
   * @param byHostname lower-case listener hostnames ({@code *}, {@code *.example.com}, {@code
   *     example.com}) to values
   */
  public static <T> SniRouter<T> of(Map<String, T> byHostname) {
    return new SniRouter<>(HostnameIndex.of(byHostname));
  }

  /** The listener for {@code sni} (null or empty when the client sent none), or null. */
  public T select(String sni) {
    return sni == null || sni.isEmpty() ? index.any() : index.mostSpecific(normalize(sni));
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
