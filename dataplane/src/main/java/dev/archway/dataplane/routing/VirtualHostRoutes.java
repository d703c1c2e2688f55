package dev.archway.dataplane.routing;

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
  private final HostnameIndex<PathIndex> groups;

  VirtualHostRoutes(String name, String hostname, Map<String, PathIndex> groupsByHostname) {
    this.name = name;
    this.hostname = hostname;
    this.groups = HostnameIndex.of(groupsByHostname);
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
    groups
        .inLookupOrder()
        .forEach(
            (host, index) -> {
              out.append(indent).append("  routes hostname=").append(host).append('\n');
              for (String line : index.describe()) {
                out.append(indent).append("    ").append(line).append('\n');
              }
              for (CompiledRoute route : index.routes()) {
                RouteDump.route(out, indent + "    ", route);
              }
            });
  }
}
