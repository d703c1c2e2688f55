package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * A port that accepts HTTP/1.1 and HTTP/2 with prior knowledge (h2c).
 *
 * <p>Several Gateway listeners may share a port when their hostnames differ; each becomes one
 * {@link VirtualHost}. A request is served by the virtual host whose hostname matches its Host most
 * specifically (exact, then the longest wildcard, then none), and only that listener's routes apply
 * (GatewayHTTPListenerIsolation).
 *
 * @param name {@code gateway/<namespace>/<name>/port/<port>}
 * @param port the TCP port
 * @param virtualHosts one per Gateway listener on this port, sorted by name
 * @param protocol HTTP (cleartext HTTP/1.1 and h2c) or HTTPS (TLS with ALPN {@code h2} and {@code
 *     http/1.1}; every virtual host then has {@link VirtualHost#tls()}). A port never mixes them:
 *     the translator rejects such listeners with ProtocolConflict
 */
public record HttpListener(
    String name, int port, List<VirtualHost> virtualHosts, Protocol protocol) {
  public HttpListener {
    Objects.requireNonNull(name, "name");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
    virtualHosts = List.copyOf(Objects.requireNonNullElse(virtualHosts, List.of()));
    protocol = Objects.requireNonNullElse(protocol, Protocol.HTTP);
  }

  /** A cleartext HTTP port. */
  public HttpListener(String name, int port, List<VirtualHost> virtualHosts) {
    this(name, port, virtualHosts, Protocol.HTTP);
  }

  /** What a client speaks to an HTTP listener port. */
  public enum Protocol {
    /** Cleartext HTTP/1.1 and HTTP/2 with prior knowledge. */
    HTTP,
    /** TLS, then HTTP/1.1 or HTTP/2 as ALPN negotiates. */
    HTTPS
  }

  /** This listener with these virtual hosts; its name, port and protocol the same. */
  public HttpListener withVirtualHosts(List<VirtualHost> hosts) {
    return new HttpListener(name, port, hosts, protocol);
  }
}
