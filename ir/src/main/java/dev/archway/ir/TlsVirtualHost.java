package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * The TLSRoutes of one Gateway listener with protocol TLS.
 *
 * @param name {@code gateway/<namespace>/<name>/listener/<listener name>}
 * @param hostname the listener hostname: exact, wildcard, or {@code *}
 * @param terminate null for mode Passthrough (the bytes go to the backend untouched, which owns the
 *     certificate); for mode Terminate, the certificates to terminate with, after which the
 *     decrypted stream goes to the backend as plain TCP
 * @param routes the attached TLSRoutes, one entry per (route, hostname), most specific hostname
 *     first, then older routes first: the first whose {@code hostname} matches the SNI serves the
 *     connection; none matches: close the connection
 */
public record TlsVirtualHost(
    String name, String hostname, ServerTls terminate, List<TlsRoute> routes) {
  public TlsVirtualHost {
    Objects.requireNonNull(name, "name");
    hostname = Objects.requireNonNullElse(hostname, "*");
    routes = List.copyOf(Objects.requireNonNullElse(routes, List.of()));
  }
}
