package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * The routes of one Gateway listener.
 *
 * @param name {@code gateway/<namespace>/<name>/listener/<listener name>}
 * @param hostname the listener hostname: an exact name, a wildcard {@code *.example.com}, or {@code
 *     *} when the listener has none
 * @param routes every route attached to the listener, in the spec's precedence order: the first
 *     route whose hostname and match fit a request serves it, except that a route with a more
 *     specific hostname always wins over one with a less specific hostname
 * @param tls for a listener of protocol HTTPS, its certificates and client validation; null for
 *     HTTP. With HTTPS, the virtual host is chosen by SNI at the handshake (see {@link ServerTls})
 *     and, for HTTP/2, a request whose Host selects a different virtual host of the same port than
 *     the SNI did is answered 421 (GatewayHTTPSListenerDetectMisdirectedRequests)
 */
public record VirtualHost(String name, String hostname, List<HttpRoute> routes, ServerTls tls) {
  public VirtualHost {
    Objects.requireNonNull(name, "name");
    hostname = Objects.requireNonNullElse(hostname, "*");
    routes = List.copyOf(Objects.requireNonNullElse(routes, List.of()));
  }

  /** A virtual host of a plain HTTP listener. */
  public VirtualHost(String name, String hostname, List<HttpRoute> routes) {
    this(name, hostname, routes, null);
  }

  /** This virtual host with these routes; its name, hostname and TLS the same. */
  public VirtualHost withRoutes(List<HttpRoute> newRoutes) {
    return new VirtualHost(name, hostname, newRoutes, tls);
  }
}
