package dev.archway.app.sync;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.TcpListener;
import dev.archway.ir.TlsListener;
import dev.archway.ir.UdpListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns what proxies acknowledged into the translator's runtime facts, so that a Gateway is {@code
 * Programmed} only once its proxies serve its configuration.
 *
 * <p>Until {@code RuntimeFacts} has a field of its own for it (proposed: {@code
 * programmedGateways}), a Gateway whose proxies have not all acknowledged is reported through the
 * facts that exist: each of its listeners gets the pending reason as a listener error, which makes
 * the listeners and the Gateway {@code Programmed=False} with that message. Listener errors that
 * proxies reported with their ACK (a port they could not bind) are passed on the same way.
 */
public final class ProxyAcks {
  private ProxyAcks() {}

  /** {@code facts} plus the acknowledgement state of every Gateway of {@code config}. */
  public static RuntimeFacts merge(RuntimeFacts facts, DataPlaneConfig config, SyncServer sync) {
    Map<String, String> pending = sync.unacknowledged();
    Map<String, SyncServer.GatewayStatus> status = sync.status();
    Map<String, String> errors = new TreeMap<>(facts.listenerErrors());
    for (GatewayIr gateway : config.gateways()) {
      String key = GatewayConfigs.gatewayKey(gateway);
      String reason = pending.get(key);
      if (reason != null) {
        for (String listener : listenerNames(gateway)) {
          errors.putIfAbsent(listener, "not programmed: " + reason);
        }
      } else if (status.containsKey(key)) {
        for (SyncServer.ProxyStatus proxy : status.get(key).proxies()) {
          proxy
              .listenerErrors()
              .forEach((l, e) -> errors.putIfAbsent(l, "proxy " + proxy.proxyName() + ": " + e));
        }
      }
    }
    return new RuntimeFacts(
        errors, facts.gatewayAddresses(), facts.gatewayAddressErrors(), facts.now());
  }

  /** The IR names of a Gateway's listeners, the keys of {@code RuntimeFacts.listenerErrors}. */
  static List<String> listenerNames(GatewayIr gateway) {
    List<String> names = new ArrayList<>();
    gateway.httpListeners().stream().map(HttpListener::name).forEach(names::add);
    gateway.tlsListeners().stream().map(TlsListener::name).forEach(names::add);
    gateway.tcpListeners().stream().map(TcpListener::name).forEach(names::add);
    gateway.udpListeners().stream().map(UdpListener::name).forEach(names::add);
    return names;
  }
}
