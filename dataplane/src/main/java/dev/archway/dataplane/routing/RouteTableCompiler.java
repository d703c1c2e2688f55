package dev.archway.dataplane.routing;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HeaderMatch;
import dev.archway.ir.HttpListener;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.PathMatch;
import dev.archway.ir.QueryParamMatch;
import dev.archway.ir.TlsCertificate;
import dev.archway.ir.VirtualHost;
import dev.archway.ir.WeightedBackend;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns a {@link DataPlaneConfig} into a {@link RouteTable}, checking everything that could
 * otherwise fail per request: expressions compile, paths and hostnames are well formed, every
 * destination a route names exists. The first problem rejects the whole configuration.
 */
final class RouteTableCompiler {
  static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private final DataPlaneConfig config;
  private final CompileMemo previous;
  private final CompileMemo.Builder next = new CompileMemo.Builder();
  private final Map<String, Upstream> upstreams = new HashMap<>();

  /**
   * @param previous what the previous table was compiled from, reused for what did not change
   */
  RouteTableCompiler(DataPlaneConfig config, CompileMemo previous) {
    this.config = config;
    this.previous = previous;
  }

  RouteTable compile() {
    compileDestinations();
    Map<ListenerKey, ListenerRoutes> listeners = new LinkedHashMap<>();
    Map<String, String> conflicts = new LinkedHashMap<>();
    Set<String> names = new HashSet<>();
    for (int g = 0; g < config.gateways().size(); g++) {
      GatewayIr gateway = config.gateways().get(g);
      String bind = gateway.bindAddress().trim();
      if (bind.isEmpty()) {
        throw invalid("gateways[" + g + "].bindAddress", bind, "an IP address or host name");
      }
      for (int l = 0; l < gateway.httpListeners().size(); l++) {
        HttpListener listener = gateway.httpListeners().get(l);
        String field = "gateways[" + g + "].httpListeners[" + l + "]";
        if (!names.add(listener.name())) {
          throw invalid(field + ".name", listener.name(), "unique listener names");
        }
        ListenerKey key = new ListenerKey(bind, listener.port());
        ListenerRoutes routes = compileListener(field, listener, key);
        ListenerRoutes earlier = listeners.get(key);
        if (earlier != null) {
          conflicts.put(
              listener.name(), "address " + key + " is already used by " + earlier.name());
        } else {
          listeners.put(key, routes);
        }
      }
    }
    return new RouteTable(listeners, conflicts, next.build());
  }

  private void compileDestinations() {
    TlsCertificate clientCertificate = backendClientCertificate();
    for (int d = 0; d < config.destinations().size(); d++) {
      Destination destination = config.destinations().get(d);
      Upstream upstream = previous.upstream(destination, clientCertificate);
      if (upstream == null) {
        upstream = compileDestination(destination, clientCertificate);
      }
      next.upstream(destination, clientCertificate, upstream);
      if (upstreams.put(destination.name(), upstream) != null) {
        throw invalid("destinations[" + d + "].name", destination.name(), "unique names");
      }
    }
  }

  private static Upstream compileDestination(
      Destination destination, TlsCertificate clientCertificate) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (Endpoint endpoint : destination.endpoints()) {
      addresses.add(socketAddress(endpoint));
    }
    UpstreamTlsContext tls = null;
    String brokenTls = null;
    if (destination.tls() != null) {
      try {
        tls =
            UpstreamTlsContext.of(
                destination.tls(),
                clientCertificate,
                destination.protocol() == Destination.AppProtocol.H2C);
      } catch (IllegalArgumentException e) {
        // One bad policy must not reject the whole configuration: its destination answers 502.
        // Named, not numbered: a reused upstream may sit elsewhere in the next configuration.
        brokenTls = "destination " + destination.name() + ": tls: " + e.getMessage();
      }
    }
    return new Upstream(destination.name(), destination.protocol(), addresses, tls, brokenTls);
  }

  /**
   * The client certificate presented to TLS backends. Destinations are shared by all Gateways of a
   * configuration while the certificate is per Gateway, so the first Gateway's that has one is
   * used.
   */
  private TlsCertificate backendClientCertificate() {
    for (GatewayIr gateway : config.gateways()) {
      if (gateway.backendClientCertificate() != null) {
        return gateway.backendClientCertificate();
      }
    }
    return null;
  }

  private static InetSocketAddress socketAddress(Endpoint endpoint) {
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(endpoint.address());
    if (ip == null) {
      // A DNS name: resolved when connecting, never while compiling.
      return InetSocketAddress.createUnresolved(endpoint.address(), endpoint.port());
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), endpoint.port());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an IP literal always converts", e);
    }
  }

  private ListenerRoutes compileListener(String field, HttpListener listener, ListenerKey key) {
    Map<String, VirtualHostRoutes> hosts = new LinkedHashMap<>();
    for (int v = 0; v < listener.virtualHosts().size(); v++) {
      VirtualHost vhost = listener.virtualHosts().get(v);
      String vfield = field + ".virtualHosts[" + v + "]";
      String hostname = hostname(vfield + ".hostname", vhost.hostname());
      VirtualHostRoutes compiled = compileVirtualHost(vfield, listener.name(), vhost, hostname);
      next.virtualHost(listener.name(), compiled);
      if (hosts.put(hostname, compiled) != null) {
        throw invalid(vfield + ".hostname", hostname, "one virtual host per hostname and port");
      }
    }
    return new ListenerRoutes(listener.name(), key, hosts);
  }

  /**
   * A virtual host's routes, compiled or reused, ranked, and indexed by hostname and path: the
   * previous table's path indexes updated where the ranks of the reused routes could be kept.
   */
  private VirtualHostRoutes compileVirtualHost(
      String vfield, String listener, VirtualHost vhost, String hostname) {
    List<HttpRoute> irs = vhost.routes();
    CompiledRoute[] routes = new CompiledRoute[irs.size()];
    boolean[] fresh = new boolean[routes.length];
    for (int r = 0; r < routes.length; r++) {
      HttpRoute ir = irs.get(r);
      CompiledRoute route = previous.route(ir, upstreams);
      if (route == null) {
        route = compileRoute(vfield + ".routes[" + r + "]", ir);
        fresh[r] = true;
      }
      routes[r] = route;
    }
    boolean rankedAgain = Ranks.assign(routes, fresh);
    Map<String, List<CompiledRoute>> groups = new LinkedHashMap<>();
    String host = null;
    List<CompiledRoute> group = null;
    for (int r = 0; r < routes.length; r++) {
      CompiledRoute route = routes[r];
      next.route(irs.get(r), route);
      if (group == null || !route.hostname().equals(host)) {
        host = route.hostname();
        group = groups.computeIfAbsent(host, h -> new ArrayList<>());
      }
      group.add(route);
    }
    VirtualHostRoutes before = rankedAgain ? null : previous.virtualHost(listener, vhost.name());
    Map<String, PathIndex> indexes = new LinkedHashMap<>();
    groups.forEach(
        (h, now) -> {
          PathIndex was = before == null ? null : before.group(h);
          indexes.put(h, was == null ? new PathIndex(now) : updated(was, now));
        });
    return new VirtualHostRoutes(vhost.name(), hostname, Arrays.asList(routes), indexes);
  }

  /**
   * {@code was} updated to index {@code now}: the routes only it has are removed, those only {@code
   * now} has added. Both lists are in rank order, and a route kept is the same object.
   */
  private static PathIndex updated(PathIndex was, List<CompiledRoute> now) {
    List<CompiledRoute> before = was.routes();
    List<CompiledRoute> removed = new ArrayList<>();
    List<CompiledRoute> added = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < before.size() || j < now.size()) {
      if (j == now.size()) {
        removed.add(before.get(i++));
      } else if (i == before.size()) {
        added.add(now.get(j++));
      } else if (before.get(i) == now.get(j)) {
        i++;
        j++;
      } else if (before.get(i).rank() <= now.get(j).rank()) {
        removed.add(before.get(i++));
      } else {
        added.add(now.get(j++));
      }
    }
    return was.updated(now, removed, added);
  }

  /** A route compiled afresh; {@link Ranks} gives it its rank. */
  private CompiledRoute compileRoute(String field, HttpRoute route) {
    PathMatch path = route.match().path();
    String pathValue =
        switch (path.type()) {
          case EXACT -> normalizedPath(field + ".match.path.value", path.value());
          case PATH_PREFIX ->
              PathPrefix.strip(normalizedPath(field + ".match.path.value", path.value()));
          case REGULAR_EXPRESSION -> regex(field + ".match.path.value", path.value());
        };
    String method = route.match().method();
    if (method != null && !TOKEN.matcher(method).matches()) {
      throw invalid(field + ".match.method", method, "an HTTP method such as GET");
    }
    String prefix = path.type() == PathMatch.Type.PATH_PREFIX ? pathValue : null;
    FilterCompiler filters = new FilterCompiler(prefix);
    return new CompiledRoute(
        0,
        route.name(),
        hostname(field + ".hostname", route.hostname()),
        path.type(),
        pathValue,
        method,
        headers(field + ".match.headers", route.match().headers()),
        queryParams(field + ".match.queryParams", route.match().queryParams()),
        filters.compile(field + ".filters", route.filters()),
        new WeightedBackends(backends(field + ".backends", route.backends(), filters)),
        RouteOptions.compile(field + ".options", route.options(), upstreams));
  }

  private List<StringCondition> headers(String field, List<HeaderMatch> headers) {
    List<StringCondition> conditions = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < headers.size(); i++) {
      HeaderMatch h = headers.get(i);
      if (!TOKEN.matcher(h.name()).matches()) {
        throw invalid(field + "[" + i + "].name", h.name(), "a header name");
      }
      // Gateway API: among matches naming the same header, the first one counts.
      if (seen.add(h.name().toLowerCase(Locale.ROOT))) {
        conditions.add(condition(field + "[" + i + "].value", h.name(), h.type(), h.value()));
      }
    }
    return conditions;
  }

  private List<StringCondition> queryParams(String field, List<QueryParamMatch> params) {
    List<StringCondition> conditions = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < params.size(); i++) {
      QueryParamMatch q = params.get(i);
      if (q.name().isEmpty()) {
        throw invalid(field + "[" + i + "].name", q.name(), "a parameter name");
      }
      if (seen.add(q.name())) {
        conditions.add(condition(field + "[" + i + "].value", q.name(), q.type(), q.value()));
      }
    }
    return conditions;
  }

  private static StringCondition condition(
      String field, String name, dev.archway.ir.StringMatchType type, String value) {
    try {
      return StringCondition.of(name, type, value);
    } catch (PatternSyntaxException e) {
      throw invalid(field, value, "a valid regular expression: " + e.getDescription());
    }
  }

  private List<Backend> backends(
      String field, List<WeightedBackend> backends, FilterCompiler filters) {
    List<Backend> compiled = new ArrayList<>();
    for (int i = 0; i < backends.size(); i++) {
      WeightedBackend b = backends.get(i);
      Upstream upstream = null;
      if (b.destination() != null) {
        upstream = upstreams.get(b.destination());
        if (upstream == null) {
          throw invalid(
              field + "[" + i + "].destination", b.destination(), "a name in destinations");
        }
      }
      compiled.add(
          new Backend(
              b.destination(),
              b.weight(),
              upstream,
              filters.compile(field + "[" + i + "].filters", b.filters())));
    }
    return compiled;
  }

  static String normalizedPath(String field, String path) {
    try {
      return RequestTarget.normalizePath(path);
    } catch (IllegalArgumentException e) {
      throw invalid(field, path, "an absolute path such as /foo");
    }
  }

  private static String regex(String field, String regex) {
    try {
      Pattern.compile(regex);
      return regex;
    } catch (PatternSyntaxException e) {
      throw invalid(field, regex, "a valid regular expression: " + e.getDescription());
    }
  }

  private static String hostname(String field, String hostname) {
    try {
      return Hostnames.canonical(hostname);
    } catch (IllegalArgumentException e) {
      throw invalid(field, hostname, "*, *.example.com or example.com");
    }
  }

  static InvalidConfigException invalid(String field, Object value, String expected) {
    return new InvalidConfigException(field + ": " + value + " (expected: " + expected + ")");
  }
}
