package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.PathPrefix;
import dev.archway.dataplane.routing.RequestTarget;
import dev.archway.ir.HttpFilter;

/**
 * Builds the {@code Location} of a RequestRedirect (HTTPRoute {@code requestRedirect}).
 *
 * <p>Missing parts come from the request: the scheme (always {@code http} on a cleartext listener),
 * the host without its port. A missing port is the well-known port of the scheme when the filter
 * sets a scheme, otherwise the listener's port, so a listener on 8080 redirects to {@code
 * http://host:8080/...}; ports 80 for http and 443 for https are left out. The query string is
 * kept.
 */
final class RedirectLocation {
  private RedirectLocation() {}

  static String build(
      HttpFilter.RequestRedirect redirect,
      String requestScheme,
      String requestHost,
      int listenerPort,
      RequestTarget target) {
    String scheme = redirect.scheme() != null ? redirect.scheme() : requestScheme;
    String host = redirect.hostname() != null ? redirect.hostname() : requestHost;
    int port;
    if (redirect.port() != null) {
      port = redirect.port();
    } else if (redirect.scheme() != null) {
      port = scheme.equals("https") ? 443 : 80;
    } else {
      port = listenerPort;
    }
    boolean defaultPort =
        (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
    StringBuilder location = new StringBuilder(scheme).append("://").append(host);
    if (!defaultPort) {
      location.append(':').append(port);
    }
    location.append(rewritePath(redirect.path(), target.path()));
    if (target.rawQuery() != null) {
      location.append('?').append(target.rawQuery());
    }
    return location.toString();
  }

  /** Applies a path modifier (shared with URLRewrite); null keeps the path. */
  static String rewritePath(HttpFilter.PathModifier modifier, String path) {
    if (modifier == null) {
      return path;
    }
    return switch (modifier.type()) {
      case REPLACE_FULL_PATH -> modifier.value();
      case REPLACE_PREFIX_MATCH ->
          PathPrefix.replace(path, modifier.matchedPrefix(), modifier.value());
    };
  }
}
