package dev.archway.dataplane.routing;

import dev.archway.ir.HttpFilter;
import java.util.List;

/** Renders routes, filters and backends for {@link RouteTable#dump()}. */
final class RouteDump {
  private RouteDump() {}

  static void route(StringBuilder out, String indent, CompiledRoute route, int position) {
    out.append(indent)
        .append('#')
        .append(position)
        .append(' ')
        .append(route.name())
        .append(": ")
        .append(route.describeConditions())
        .append('\n');
    String detail = indent + "    ";
    options(out, detail, route.options());
    filters(out, detail, route.filters());
    List<Backend> backends = route.backends().all();
    if (backends.isEmpty() && route.filters().redirect() == null) {
      out.append(detail).append("no backends (500)\n");
    }
    for (Backend backend : backends) {
      out.append(detail).append("backend ");
      if (backend.upstream() == null) {
        out.append("<invalid> weight=").append(backend.weight()).append(" (500)\n");
      } else {
        Upstream u = backend.upstream();
        out.append(u.name())
            .append(" weight=")
            .append(backend.weight())
            .append(' ')
            .append(u.protocol())
            .append(" endpoints=")
            .append(u.endpoints().isEmpty() ? "none (503)" : endpoints(u))
            .append('\n');
      }
      filters(out, detail + "  ", backend.filters());
    }
  }

  private static void options(StringBuilder out, String indent, RouteOptions options) {
    if (options.grpc()) {
      out.append(indent).append("grpc\n");
    }
    if (options.requestTimeoutMillis() > 0 || options.backendTimeoutMillis() > 0) {
      out.append(indent)
          .append("timeouts request=")
          .append(options.requestTimeoutMillis())
          .append("ms backendRequest=")
          .append(options.backendTimeoutMillis())
          .append("ms\n");
    }
    if (options.retry() != null) {
      out.append(indent)
          .append("retry codes=")
          .append(options.retry().codes())
          .append(" attempts=")
          .append(options.retry().attempts())
          .append(" backoff=")
          .append(options.retry().backoffMillis())
          .append("ms\n");
    }
    if (options.cors() != null) {
      out.append(indent).append(options.cors()).append('\n');
    }
    for (RouteOptions.Mirror m : options.mirrors()) {
      out.append(indent)
          .append("mirror ")
          .append(m.upstream().name())
          .append(' ')
          .append(m.numerator())
          .append('/')
          .append(m.denominator())
          .append('\n');
    }
  }

  private static String endpoints(Upstream upstream) {
    StringBuilder sb = new StringBuilder("[");
    upstream
        .endpoints()
        .forEach(
            a ->
                sb.append(sb.length() > 1 ? ", " : "")
                    .append(a.getHostString())
                    .append(':')
                    .append(a.getPort()));
    return sb.append(']').toString();
  }

  private static void filters(StringBuilder out, String indent, FilterChain chain) {
    for (HttpFilter.RequestHeaderModifier m : chain.requestHeaderModifiers()) {
      out.append(indent)
          .append("request-headers")
          .append(headerEdits(m.set(), m.add(), m.remove()))
          .append('\n');
    }
    if (chain.urlRewrite() != null) {
      HttpFilter.UrlRewrite r = chain.urlRewrite();
      out.append(indent).append("rewrite");
      if (r.hostname() != null) {
        out.append(" host=").append(r.hostname());
      }
      if (r.path() != null) {
        out.append(' ').append(path(r.path()));
      }
      out.append('\n');
    }
    if (chain.redirect() != null) {
      HttpFilter.RequestRedirect r = chain.redirect();
      out.append(indent).append("redirect ").append(r.statusCode());
      if (r.scheme() != null) {
        out.append(" scheme=").append(r.scheme());
      }
      if (r.hostname() != null) {
        out.append(" host=").append(r.hostname());
      }
      if (r.port() != null) {
        out.append(" port=").append(r.port());
      }
      if (r.path() != null) {
        out.append(' ').append(path(r.path()));
      }
      out.append('\n');
    }
    for (HttpFilter.ResponseHeaderModifier m : chain.responseHeaderModifiers()) {
      out.append(indent)
          .append("response-headers")
          .append(headerEdits(m.set(), m.add(), m.remove()))
          .append('\n');
    }
  }

  private static String path(HttpFilter.PathModifier p) {
    return p.type() == HttpFilter.PathModifier.Type.REPLACE_FULL_PATH
        ? "path=" + p.value()
        : "prefix " + p.matchedPrefix() + " -> " + p.value();
  }

  private static String headerEdits(
      List<HttpFilter.Header> set, List<HttpFilter.Header> add, List<String> remove) {
    StringBuilder sb = new StringBuilder();
    set.forEach(h -> sb.append(" set ").append(h.name()).append('=').append(h.value()));
    add.forEach(h -> sb.append(" add ").append(h.name()).append('=').append(h.value()));
    remove.forEach(n -> sb.append(" remove ").append(n));
    return sb.toString();
  }
}
