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
 */
public record HttpListener(String name, int port, List<VirtualHost> virtualHosts) {
  public HttpListener {
    Objects.requireNonNull(name, "name");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
    virtualHosts = List.copyOf(Objects.requireNonNullElse(virtualHosts, List.of()));
  }
}
