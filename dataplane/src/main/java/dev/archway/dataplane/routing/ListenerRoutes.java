package dev.archway.dataplane.routing;

import java.util.List;
import java.util.Map;

/**
 * The compiled routing of one HTTP listener (one port): its virtual hosts indexed by hostname.
 *
 * <p>A request is served only by the virtual host whose hostname matches its host most specifically
 * (GatewayHTTPListenerIsolation); if that host has no matching route the answer is 404, without
 * falling back to a less specific virtual host.
 */
public final class ListenerRoutes {
  private final String name;
  private final ListenerKey key;
  private final List<VirtualHostRoutes> virtualHosts;
  private final HostnameIndex<VirtualHostRoutes> byHostname;

  ListenerRoutes(String name, ListenerKey key, Map<String, VirtualHostRoutes> byHostname) {
    this.name = name;
    this.key = key;
    this.byHostname = HostnameIndex.of(byHostname);
    this.virtualHosts = List.copyOf(this.byHostname.inLookupOrder().values());
  }

  /** The IR listener name, {@code gateway/<ns>/<name>/port/<port>}. */
  public String name() {
    return name;
  }

  public ListenerKey key() {
    return key;
  }

  /** The route that serves {@code request}, or null for 404. */
  public CompiledRoute route(RouteRequest request) {
    VirtualHostRoutes host = byHostname.mostSpecific(request.host());
    return host == null ? null : host.find(request);
  }

  /**
   * The IR name of the virtual host (Gateway listener) that serves {@code host} ({@link
   * RouteRequest#host()}), or null when none does; HTTPS compares it with the one SNI chose.
   */
  public String virtualHostName(String host) {
    VirtualHostRoutes vhost = byHostname.mostSpecific(host);
    return vhost == null ? null : vhost.name();
  }

  void dump(StringBuilder out) {
    out.append("listener ").append(name).append(' ').append(key).append('\n');
    for (VirtualHostRoutes host : virtualHosts) {
      host.dump(out, "  ");
    }
  }
}
