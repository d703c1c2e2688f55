package dev.archway.dataplane.routing;

import static dev.archway.dataplane.routing.RouteTableCompiler.TOKEN;
import static dev.archway.dataplane.routing.RouteTableCompiler.invalid;

import dev.archway.ir.HttpFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks the filters of one route (rule and backend filters alike) and fills in what the proxy
 * needs later: a ReplacePrefixMatch without {@code matchedPrefix} takes the route's own PathPrefix,
 * and every path it carries is normalized like request paths are.
 */
final class FilterCompiler {
  private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);

  /** The route's stripped PathPrefix, or null when the route does not match by prefix. */
  private final String routePrefix;

  FilterCompiler(String routePrefix) {
    this.routePrefix = routePrefix;
  }

  FilterChain compile(String field, List<HttpFilter> filters) {
    List<HttpFilter> checked = new ArrayList<>(filters.size());
    for (int i = 0; i < filters.size(); i++) {
      String f = field + "[" + i + "]";
      checked.add(
          switch (filters.get(i)) {
            case HttpFilter.RequestHeaderModifier m -> {
              headers(f, m.set(), m.add(), m.remove());
              yield m;
            }
            case HttpFilter.ResponseHeaderModifier m -> {
              headers(f, m.set(), m.add(), m.remove());
              yield m;
            }
            case HttpFilter.RequestRedirect r -> redirect(f, r);
            case HttpFilter.UrlRewrite u ->
                new HttpFilter.UrlRewrite(
                    u.hostname() == null ? null : exactHost(f + ".hostname", u.hostname()),
                    path(f + ".path", u.path()));
          });
    }
    return FilterChain.of(checked);
  }

  private HttpFilter.RequestRedirect redirect(String field, HttpFilter.RequestRedirect r) {
    String scheme = r.scheme() == null ? null : r.scheme().toLowerCase(Locale.ROOT);
    if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
      throw invalid(field + ".scheme", r.scheme(), "http or https");
    }
    if (r.port() != null && (r.port() < 1 || r.port() > 65535)) {
      throw invalid(field + ".port", r.port(), "1-65535");
    }
    if (!REDIRECT_CODES.contains(r.statusCode())) {
      throw invalid(field + ".statusCode", r.statusCode(), "301, 302, 303, 307 or 308");
    }
    String host = r.hostname() == null ? null : exactHost(field + ".hostname", r.hostname());
    return new HttpFilter.RequestRedirect(
        scheme, host, r.port(), path(field + ".path", r.path()), r.statusCode());
  }

  private HttpFilter.PathModifier path(String field, HttpFilter.PathModifier p) {
    if (p == null) {
      return null;
    }
    String value = RouteTableCompiler.normalizedPath(field + ".value", p.value());
    if (p.type() == HttpFilter.PathModifier.Type.REPLACE_FULL_PATH) {
      return new HttpFilter.PathModifier(p.type(), value, null);
    }
    String prefix = p.matchedPrefix();
    if (prefix == null) {
      if (routePrefix == null) {
        throw invalid(field + ".matchedPrefix", null, "the PathPrefix the rule matched");
      }
      prefix = routePrefix.isEmpty() ? "/" : routePrefix;
    }
    prefix = RouteTableCompiler.normalizedPath(field + ".matchedPrefix", prefix);
    return new HttpFilter.PathModifier(p.type(), value, prefix);
  }

  private static String exactHost(String field, String hostname) {
    String host;
    try {
      host = Hostnames.canonical(hostname);
    } catch (IllegalArgumentException e) {
      throw invalid(field, hostname, "a host name such as example.com");
    }
    if (host.startsWith("*")) {
      throw invalid(field, hostname, "a host name without wildcard");
    }
    return host;
  }

  private static void headers(
      String field, List<HttpFilter.Header> set, List<HttpFilter.Header> add, List<String> remove) {
    for (int i = 0; i < set.size(); i++) {
      header(field + ".set[" + i + "]", set.get(i));
    }
    for (int i = 0; i < add.size(); i++) {
      header(field + ".add[" + i + "]", add.get(i));
    }
    for (int i = 0; i < remove.size(); i++) {
      if (!TOKEN.matcher(remove.get(i)).matches()) {
        throw invalid(field + ".remove[" + i + "]", remove.get(i), "a header name");
      }
    }
  }

  private static void header(String field, HttpFilter.Header h) {
    if (!TOKEN.matcher(h.name()).matches()) {
      throw invalid(field + ".name", h.name(), "a header name");
    }
    for (int i = 0; i < h.value().length(); i++) {
      char c = h.value().charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw invalid(field + ".value", h.value(), "no CR, LF or NUL");
      }
    }
  }
}
