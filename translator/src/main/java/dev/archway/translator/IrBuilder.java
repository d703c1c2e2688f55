package dev.archway.translator;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.VirtualHost;
import dev.archway.ir.WeightedBackend;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Assembles the data plane's configuration from the translated Gateways. */
final class IrBuilder {
  private IrBuilder() {}

  /**
   * One GatewayIr per Gateway; in it one HttpListener per port with an Accepted listener, and one
   * VirtualHost per Accepted listener on that port with its routes in precedence order. Only the
   * destinations some route refers to are included.
   */
  static DataPlaneConfig build(
      Collection<GatewayContext> gateways, Map<String, Destination> resolved) {
    List<GatewayIr> gatewayIrs = new ArrayList<>();
    TreeSet<String> used = new TreeSet<>();
    for (GatewayContext gw : gateways) {
      Map<Integer, List<VirtualHost>> byPort = new TreeMap<>();
      for (ListenerContext l : gw.listeners) {
        if (!l.accepted()) {
          continue;
        }
        List<HttpRoute> routes =
            l.routes.stream().sorted(RouteEntry.PRECEDENCE).map(RouteEntry::route).toList();
        for (HttpRoute route : routes) {
          for (WeightedBackend b : route.backends()) {
            if (b.destination() != null) {
              used.add(b.destination());
            }
          }
        }
        String hostname = l.hostname() == null ? Hostnames.ANY : l.hostname();
        byPort
            .computeIfAbsent(l.port(), p -> new ArrayList<>())
            .add(new VirtualHost(l.virtualHostIrName(), hostname, routes));
      }
      List<HttpListener> listeners = new ArrayList<>();
      byPort.forEach(
          (port, hosts) -> {
            hosts.sort(Comparator.comparing(VirtualHost::name));
            listeners.add(new HttpListener(gw.httpListenerIrName(port), port, hosts));
          });
      gatewayIrs.add(new GatewayIr(gw.irName(), "0.0.0.0", listeners));
    }
    gatewayIrs.sort(Comparator.comparing(GatewayIr::name));
    List<Destination> destinations = used.stream().map(resolved::get).toList();
    return new DataPlaneConfig(gatewayIrs, destinations);
  }
}
