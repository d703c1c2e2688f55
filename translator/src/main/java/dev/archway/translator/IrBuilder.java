package dev.archway.translator;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.HttpRouteOptions;
import dev.archway.ir.ServerTls;
import dev.archway.ir.TcpListener;
import dev.archway.ir.TlsListener;
import dev.archway.ir.TlsRoute;
import dev.archway.ir.TlsVirtualHost;
import dev.archway.ir.UdpListener;
import dev.archway.ir.VirtualHost;
import dev.archway.ir.WeightedBackend;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Assembles the data plane's configuration from the translated Gateways. */
final class IrBuilder {
  private IrBuilder() {}

  /** Puts a listener's route entries in precedence order. */
  interface RouteOrder {
    /** Sorts each listener's entries from scratch. */
    RouteOrder FROM_SCRATCH = l -> PrecedenceOrder.sort(l.routes, null);

    /** {@code l.routes} in precedence order, in an array the caller may keep but not change. */
    RouteEntry[] sorted(ListenerContext l);
  }

  /**
   * One GatewayIr per Gateway. In it, per port, the listeners the data plane can serve (Accepted,
   * and with a certificate when they terminate TLS), the Gateway's own and those of its
   * ListenerSets: HTTP and HTTPS ports with one VirtualHost per listener and its routes in
   * precedence order; TLS ports with one TlsVirtualHost per listener; TCP and UDP listeners with
   * the winning route. Only the destinations some route or mirror refers to are included.
   *
   * @param order sorts each HTTP listener's routes (from the previous translation's order, with a
   *     memo)
   */
  static DataPlaneConfig build(
      Collection<GatewayContext> gateways, Map<String, Destination> resolved, RouteOrder order) {
    List<GatewayIr> gatewayIrs = new ArrayList<>();
    // A hash set while collecting (one add per backend of every route), sorted once at the end.
    Set<String> used = new HashSet<>();
    for (GatewayContext gw : gateways) {
      if (gw.notAcceptedReason != null) {
        continue; // a Gateway that is not Accepted is not served
      }
      Map<Integer, List<VirtualHost>> http = new TreeMap<>();
      Map<Integer, Boolean> https = new TreeMap<>();
      Map<Integer, List<TlsVirtualHost>> tls = new TreeMap<>();
      List<TcpListener> tcp = new ArrayList<>();
      List<UdpListener> udp = new ArrayList<>();
      for (ListenerContext l : gw.allListeners()) {
        if (!l.servable()) {
          continue;
        }
        String hostname = l.hostname() == null ? Hostnames.ANY : l.hostname();
        ServerTls serverTls =
            l.terminatesTls() ? new ServerTls(l.certificates, l.clientValidation) : null;
        switch (l.protocol()) {
          case Protocols.HTTP, Protocols.HTTPS -> {
            RouteEntry[] entries = order.sorted(l);
            List<HttpRoute> routes = new ArrayList<>(entries.length);
            for (RouteEntry e : entries) {
              routes.add(e.route());
            }
            routes.forEach(r -> collect(r, used));
            http.computeIfAbsent(l.port(), p -> new ArrayList<>())
                .add(new VirtualHost(l.virtualHostIrName(), hostname, routes, serverTls));
            https.put(l.port(), Protocols.HTTPS.equals(l.protocol()));
          }
          case Protocols.TLS -> {
            List<TlsRoute> routes =
                l.tlsRoutes.stream()
                    .sorted(L4RouteEntry.PRECEDENCE)
                    .map(e -> new TlsRoute(e.name(), e.hostname(), e.backends()))
                    .toList();
            routes.forEach(r -> collect(r.backends(), used));
            tls.computeIfAbsent(l.port(), p -> new ArrayList<>())
                .add(new TlsVirtualHost(l.virtualHostIrName(), hostname, serverTls, routes));
          }
          case Protocols.TCP -> {
            L4RouteEntry winner = winner(l);
            tcp.add(
                new TcpListener(
                    l.portIrName(),
                    l.port(),
                    winner == null ? null : winner.name(),
                    winner == null ? List.of() : winner.backends()));
            if (winner != null) {
              collect(winner.backends(), used);
            }
          }
          case Protocols.UDP -> {
            L4RouteEntry winner = winner(l);
            udp.add(
                new UdpListener(
                    l.portIrName(),
                    l.port(),
                    winner == null ? null : winner.name(),
                    winner == null ? List.of() : winner.backends()));
            if (winner != null) {
              collect(winner.backends(), used);
            }
          }
          default -> {}
        }
      }
      List<HttpListener> httpListeners = new ArrayList<>();
      http.forEach(
          (port, hosts) -> {
            hosts.sort(Comparator.comparing(VirtualHost::name));
            httpListeners.add(
                new HttpListener(
                    gw.httpListenerIrName(port),
                    port,
                    hosts,
                    https.get(port) ? HttpListener.Protocol.HTTPS : HttpListener.Protocol.HTTP));
          });
      List<TlsListener> tlsListeners = new ArrayList<>();
      tls.forEach(
          (port, hosts) -> {
            hosts.sort(Comparator.comparing(TlsVirtualHost::name));
            tlsListeners.add(new TlsListener(gw.httpListenerIrName(port), port, hosts));
          });
      tcp.sort(Comparator.comparingInt(TcpListener::port));
      udp.sort(Comparator.comparingInt(UdpListener::port));
      gatewayIrs.add(
          new GatewayIr(
              gw.irName(),
              "0.0.0.0",
              httpListeners,
              tlsListeners,
              tcp,
              udp,
              gw.backendClientCertificate,
              gw.infrastructure));
    }
    gatewayIrs.sort(Comparator.comparing(GatewayIr::name));
    List<Destination> destinations =
        used.stream().sorted().map(resolved::get).filter(d -> d != null).toList();
    return new DataPlaneConfig(gatewayIrs, destinations);
  }

  /** The route a TCP or UDP listener serves: the oldest attached, then by namespace/name. */
  private static L4RouteEntry winner(ListenerContext l) {
    return l.l4Routes.stream().min(L4RouteEntry.PRECEDENCE).orElse(null);
  }

  private static void collect(HttpRoute route, Set<String> used) {
    collect(route.backends(), used);
    HttpRouteOptions options = route.options();
    if (options != null) {
      for (HttpRouteOptions.RequestMirror m : options.mirrors()) {
        if (m.destination() != null) {
          used.add(m.destination());
        }
      }
    }
  }

  private static void collect(List<WeightedBackend> backends, Set<String> used) {
    for (WeightedBackend b : backends) {
      if (b.destination() != null) {
        used.add(b.destination());
      }
    }
  }
}
