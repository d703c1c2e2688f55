package dev.archway.translator;

import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.HttpRouteOptions;
import dev.archway.ir.TcpListener;
import dev.archway.ir.TlsListener;
import dev.archway.ir.TlsRoute;
import dev.archway.ir.TlsVirtualHost;
import dev.archway.ir.UdpListener;
import dev.archway.ir.VirtualHost;
import dev.archway.ir.WeightedBackend;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The destinations an IR Gateway refers to, from routes, mirrors and L4 listeners. */
final class IrDestinations {
  private IrDestinations() {}

  static Set<String> of(GatewayIr gw) {
    Set<String> used = new TreeSet<>();
    for (HttpListener l : gw.httpListeners()) {
      for (VirtualHost vh : l.virtualHosts()) {
        for (HttpRoute r : vh.routes()) {
          add(r.backends(), used);
          HttpRouteOptions o = r.options();
          if (o != null) {
            o.mirrors().stream()
                .map(HttpRouteOptions.RequestMirror::destination)
                .filter(d -> d != null)
                .forEach(used::add);
          }
        }
      }
    }
    for (TlsListener l : gw.tlsListeners()) {
      for (TlsVirtualHost vh : l.virtualHosts()) {
        for (TlsRoute r : vh.routes()) {
          add(r.backends(), used);
        }
      }
    }
    for (TcpListener l : gw.tcpListeners()) {
      add(l.backends(), used);
    }
    for (UdpListener l : gw.udpListeners()) {
      add(l.backends(), used);
    }
    return used;
  }

  private static void add(List<WeightedBackend> backends, Set<String> used) {
    for (WeightedBackend b : backends) {
      if (b.destination() != null) {
        used.add(b.destination());
      }
    }
  }
}
