package dev.archway.dataplane.listener;

import dev.archway.dataplane.routing.InvalidConfigException;
import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.routing.ListenerRoutes;
import dev.archway.dataplane.routing.RouteTable;
import dev.archway.dataplane.tcp.L4Route;
import dev.archway.dataplane.tls.CertificateSet;
import dev.archway.dataplane.tls.ServerSslContexts;
import dev.archway.dataplane.tls.SniRouter;
import dev.archway.ir.ClientValidation;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.ServerTls;
import dev.archway.ir.TcpListener;
import dev.archway.ir.TlsCertificate;
import dev.archway.ir.TlsListener;
import dev.archway.ir.TlsRoute;
import dev.archway.ir.TlsVirtualHost;
import dev.archway.ir.UdpListener;
import dev.archway.ir.VirtualHost;
import dev.archway.ir.WeightedBackend;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Compiles the listener side of a configuration. HTTP routing was compiled (and its listener names
 * and ports checked) by {@link RouteTable}; this adds HTTPS certificates and the TLS, TCP and UDP
 * listeners. A TCP-family port belongs to the first listener that names it, in configuration order;
 * later ones are reported as conflicts.
 */
final class FrontendCompiler {
  private final DataPlaneConfig config;
  private final RouteTable routes;
  private final ServerSslContexts contexts;
  private final Map<String, L4Route.Upstream> upstreams = new HashMap<>();
  private final Map<ListenerKey, Frontend> tcp = new LinkedHashMap<>();
  private final Map<ListenerKey, Frontend.Udp> udp = new LinkedHashMap<>();
  private final List<FrontendTable.Entry> entries = new ArrayList<>();
  private final Map<String, String> conflicts = new LinkedHashMap<>();
  private final Set<String> names = new HashSet<>();

  FrontendCompiler(DataPlaneConfig config, RouteTable routes, ServerSslContexts contexts) {
    this.config = config;
    this.routes = routes;
    this.contexts = contexts;
  }

  FrontendTable compile() {
    for (Destination d : config.destinations()) {
      upstreams.put(
          d.name(),
          new L4Route.Upstream(d.endpoints().stream().map(FrontendCompiler::address).toList()));
    }
    for (int g = 0; g < config.gateways().size(); g++) {
      GatewayIr gateway = config.gateways().get(g);
      String bind = gateway.bindAddress().trim();
      String field = "gateways[" + g + "]";
      for (int l = 0; l < gateway.httpListeners().size(); l++) {
        http(field + ".httpListeners[" + l + "]", bind, gateway.httpListeners().get(l));
      }
      for (int l = 0; l < gateway.tlsListeners().size(); l++) {
        TlsListener listener = gateway.tlsListeners().get(l);
        String lfield = field + ".tlsListeners[" + l + "]";
        claim(
            lfield,
            listener.name(),
            new ListenerKey(bind, listener.port()),
            () -> tls(lfield, listener));
      }
      for (int l = 0; l < gateway.tcpListeners().size(); l++) {
        TcpListener listener = gateway.tcpListeners().get(l);
        String lfield = field + ".tcpListeners[" + l + "]";
        claim(
            lfield,
            listener.name(),
            new ListenerKey(bind, listener.port()),
            () ->
                new Frontend.Tcp(
                    listener.name(), route(lfield, listener.route(), listener.backends())));
      }
      for (int l = 0; l < gateway.udpListeners().size(); l++) {
        UdpListener listener = gateway.udpListeners().get(l);
        String lfield = field + ".udpListeners[" + l + "]";
        unique(lfield, listener.name());
        ListenerKey key = new ListenerKey(bind, listener.port());
        Frontend.Udp earlier = udp.get(key);
        if (earlier != null) {
          conflicts.put(
              listener.name(), "address " + key + "/udp is already used by " + earlier.name());
        } else {
          udp.put(
              key,
              new Frontend.Udp(
                  listener.name(), route(lfield, listener.route(), listener.backends())));
          entries.add(new FrontendTable.Entry(listener.name(), key, true));
        }
      }
    }
    return new FrontendTable(tcp, udp, entries, conflicts, contexts);
  }

  private void http(String field, String bind, HttpListener listener) {
    names.add(listener.name()); // RouteTable has checked HTTP listener names
    ListenerKey key = new ListenerKey(bind, listener.port());
    ListenerRoutes owner = routes.listener(key);
    if (owner == null || !owner.name().equals(listener.name())) {
      String why = routes.conflicts().get(listener.name());
      conflicts.put(listener.name(), why != null ? why : "address " + key + " is already in use");
      return;
    }
    SniRouter<Frontend.HttpsSite> https = null;
    if (listener.protocol() == HttpListener.Protocol.HTTPS) {
      Map<String, Frontend.HttpsSite> sites = new LinkedHashMap<>();
      for (int v = 0; v < listener.virtualHosts().size(); v++) {
        VirtualHost vhost = listener.virtualHosts().get(v);
        String vfield = field + ".virtualHosts[" + v + "]";
        if (vhost.tls() == null) {
          throw invalid(vfield + ".tls", null, "certificates on an HTTPS listener");
        }
        CertificateSet certs = certificates(vfield + ".tls", vhost.tls(), true);
        sites.put(hostname(vhost.hostname()), new Frontend.HttpsSite(vhost.name(), certs));
      }
      https = SniRouter.of(sites);
    }
    tcp.put(key, new Frontend.Http(listener.name(), https));
    entries.add(new FrontendTable.Entry(listener.name(), key, false));
  }

  private void claim(String field, String name, ListenerKey key, Supplier<Frontend> frontend) {
    unique(field, name);
    Frontend earlier = tcp.get(key);
    if (earlier != null) {
      conflicts.put(name, "address " + key + " is already used by " + earlier.name());
      return;
    }
    tcp.put(key, frontend.get());
    entries.add(new FrontendTable.Entry(name, key, false));
  }

  private Frontend.Tls tls(String field, TlsListener listener) {
    Map<String, Frontend.TlsSite> sites = new LinkedHashMap<>();
    for (int v = 0; v < listener.virtualHosts().size(); v++) {
      TlsVirtualHost vhost = listener.virtualHosts().get(v);
      String vfield = field + ".virtualHosts[" + v + "]";
      CertificateSet terminate =
          vhost.terminate() == null
              ? null
              : certificates(vfield + ".terminate", vhost.terminate(), false);
      List<Frontend.TlsRouteEntry> entries = new ArrayList<>();
      for (int r = 0; r < vhost.routes().size(); r++) {
        TlsRoute route = vhost.routes().get(r);
        entries.add(
            new Frontend.TlsRouteEntry(
                hostname(route.hostname()),
                route(vfield + ".routes[" + r + "]", route.name(), route.backends())));
      }
      sites.put(hostname(vhost.hostname()), new Frontend.TlsSite(vhost.name(), terminate, entries));
    }
    return new Frontend.Tls(listener.name(), SniRouter.of(sites));
  }

  private CertificateSet certificates(String field, ServerTls tls, boolean http) {
    if (tls.certificates().isEmpty()) {
      throw invalid(field + ".certificates", "[]", "at least one certificate");
    }
    ClientValidation validation = http ? tls.clientValidation() : null;
    List<CertificateSet.Entry> entries = new ArrayList<>();
    for (int c = 0; c < tls.certificates().size(); c++) {
      TlsCertificate cert = tls.certificates().get(c);
      try {
        entries.add(
            new CertificateSet.Entry(
                cert.dnsNames().stream().map(FrontendCompiler::hostname).toList(),
                contexts.get(cert, validation, http)));
      } catch (GeneralSecurityException | RuntimeException e) {
        throw invalid(
            field + ".certificates[" + c + "]",
            cert.name(),
            "a PEM certificate chain and its private key"
                + (validation == null ? "" : " and CA bundle")
                + ": "
                + e.getMessage());
      }
    }
    return new CertificateSet(entries);
  }

  private L4Route route(String field, String name, List<WeightedBackend> backends) {
    List<L4Route.Backend> compiled = new ArrayList<>();
    for (int i = 0; i < backends.size(); i++) {
      WeightedBackend b = backends.get(i);
      L4Route.Upstream upstream = null;
      if (b.destination() != null) {
        upstream = upstreams.get(b.destination());
        if (upstream == null) {
          throw invalid(
              field + ".backends[" + i + "].destination",
              b.destination(),
              "a name in destinations");
        }
      }
      compiled.add(new L4Route.Backend(b.destination(), b.weight(), upstream));
    }
    return new L4Route(name, compiled);
  }

  private void unique(String field, String name) {
    if (!names.add(name)) {
      throw invalid(field + ".name", name, "unique listener names");
    }
  }

  private static String hostname(String hostname) {
    return hostname.toLowerCase(Locale.ROOT);
  }

  private static InetSocketAddress address(Endpoint endpoint) {
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

  private static InvalidConfigException invalid(String field, Object value, String expected) {
    return new InvalidConfigException(field + ": " + value + " (expected: " + expected + ")");
  }
}
