package dev.archway.dataplane.routing;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes of one Gateway listener, grouped by their effective hostname.
 *
 * <p>A route whose hostname matches the request's host more specifically always wins (exact, then
 * the longest wildcard, then {@code *}); within one hostname the IR order decides. So groups are
 * tried from the most specific to the least, and the first group with a matching route answers.
 */
final class VirtualHostRoutes {
  private final String name;
  private final String hostname;
  private final List<CompiledRoute> routes;
  private final Map<String, PathIndex> byHostname;
  private final HostnameIndex<PathIndex> groups;

  /**
   * @param routes every route, in the virtual host's order
   * @param groupsByHostname the path index of the routes of each effective hostname
   */
  VirtualHostRoutes(
      String name,
      String hostname,
      List<CompiledRoute> routes,
      Map<String, PathIndex> groupsByHostname) {
    this.name = name;
    this.hostname = hostname;
    this.routes = List.copyOf(routes);
    this.byHostname = Map.copyOf(groupsByHostname);
    this.groups = HostnameIndex.of(groupsByHostname);
  }

  /** Every route, in the virtual host's order (and so by rank). */
  List<CompiledRoute> routes() {
    return routes;
  }

  /** The path index of the routes whose effective hostname is {@code host}, or null. */
  PathIndex group(String host) {
    return byHostname.get(host);
  }

  String name() {
    return name;
  }

  String hostname() {
    return hostname;
  }

  CompiledRoute find(RouteRequest request) {
    return groups.first(request.host(), index -> index.find(request));
  }

  void dump(StringBuilder out, String indent) {
    out.append(indent)
        .append("virtualhost ")
        .append(name)
        .append(" hostname=")
        .append(hostname)
        .append('\n');
    Map<CompiledRoute, Integer> positions = new IdentityHashMap<>();
    for (int i = 0; i < routes.size(); i++) {
      positions.put(routes.get(i), i);
    }
    groups
        .inLookupOrder()
        .forEach(
            (host, index) -> {
              out.append(indent).append("  routes hostname=").append(host).append('\n');
              for (String line : index.describe(positions)) {
                out.append(indent).append("    ").append(line).append('\n');
              }
              for (CompiledRoute route : index.routes()) {
                RouteDump.route(out, indent + "    ", route, positions.get(route));
              }
            });
  }
}
