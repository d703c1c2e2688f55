package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * A port whose Gateway listeners have protocol TLS: the data plane reads the ClientHello, picks a
 * {@link TlsVirtualHost} by its SNI (exact, then the longest wildcard, then {@code *}; no match or
 * no SNI and no {@code *} host: close the connection), and then either pipes the raw bytes to a
 * backend (Passthrough) or terminates TLS and pipes the plaintext (Terminate).
 *
 * @param name {@code gateway/<namespace>/<name>/port/<port>}
 * @param port the TCP port
 * @param virtualHosts one per Gateway listener on this port, sorted by name; Passthrough and
 *     Terminate hosts may share a port (TLSRouteModeMixed)
 */
public record TlsListener(String name, int port, List<TlsVirtualHost> virtualHosts) {
  public TlsListener {
    Objects.requireNonNull(name, "name");
    Ports.check(port);
    virtualHosts = List.copyOf(Objects.requireNonNullElse(virtualHosts, List.of()));
  }
}
