package dev.archway.dataplane.routing;

import dev.archway.ir.Destination;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A compiled {@link Destination}: its endpoints as socket addresses and a round-robin cursor.
 *
 * <p>IP literals become resolved addresses at compile time, so no DNS lookup happens per request;
 * names stay unresolved and are resolved when a connection is made.
 */
public final class Upstream {
  private final String name;
  private final Destination.AppProtocol protocol;
  private final List<InetSocketAddress> endpoints;
  private final UpstreamTlsContext tls;
  private final String brokenTls;
  private final AtomicInteger cursor = new AtomicInteger();

  Upstream(String name, Destination.AppProtocol protocol, List<InetSocketAddress> endpoints) {
    this(name, protocol, endpoints, null, null);
  }

  Upstream(
      String name,
      Destination.AppProtocol protocol,
      List<InetSocketAddress> endpoints,
      UpstreamTlsContext tls,
      String brokenTls) {
    this.name = name;
    this.protocol = protocol;
    this.endpoints = List.copyOf(endpoints);
    this.tls = tls;
    this.brokenTls = brokenTls;
  }

  /** TLS to the endpoints (BackendTLSPolicy), or null for plaintext. */
  public UpstreamTlsContext tls() {
    return tls;
  }

  /**
   * Why the destination's TLS settings cannot be used (a CA bundle that does not parse...), or
   * null; such a destination is answered with 502 and never connected to in plaintext.
   */
  public String brokenTls() {
    return brokenTls;
  }

  /** The destination name, {@code service/<ns>/<name>/<port>}. */
  public String name() {
    return name;
  }

  public Destination.AppProtocol protocol() {
    return protocol;
  }

  List<InetSocketAddress> endpoints() {
    return endpoints;
  }

  /** The next endpoint in round-robin order, or null when there are no ready endpoints (503). */
  public InetSocketAddress nextEndpoint() {
    int n = endpoints.size();
    if (n == 0) {
      return null;
    }
    return n == 1 ? endpoints.get(0) : endpoints.get(Math.floorMod(cursor.getAndIncrement(), n));
  }
}
