package dev.archway.dataplane.listener;

import dev.archway.dataplane.tcp.L4Route;
import dev.archway.dataplane.tls.CertificateSet;
import dev.archway.dataplane.tls.SniRouter;
import java.util.List;

/** What one bound port serves, compiled from one IR listener. */
public sealed interface Frontend {
  /** The IR listener name, {@code gateway/<ns>/<name>/port/<port>}. */
  String name();

  /** An HTTP port; {@code https} is null for cleartext, else the SNI choice of Gateway listener. */
  record Http(String name, SniRouter<HttpsSite> https) implements Frontend {}

  /** An HTTPS Gateway listener: its IR virtual host and certificates. */
  record HttpsSite(String virtualHost, CertificateSet certificates) {}

  /** A port of TLS listeners (Passthrough, Terminate, or both). */
  record Tls(String name, SniRouter<TlsSite> sites) implements Frontend {}

  /**
   * A TLS Gateway listener.
   *
   * @param terminate the certificates to terminate with, or null for Passthrough
   * @param routes TLSRoute hostnames in the IR's precedence order
   */
  record TlsSite(String virtualHost, CertificateSet terminate, List<TlsRouteEntry> routes) {
    /** The route for a connection's SNI: the first whose hostname matches; null closes it. */
    L4Route route(String sni) {
      for (TlsRouteEntry entry : routes) {
        if (SniRouter.matches(entry.hostname(), sni)) {
          return entry.route();
        }
      }
      return null;
    }
  }

  /** One hostname of one TLSRoute. */
  record TlsRouteEntry(String hostname, L4Route route) {}

  /** A TCP port: every connection is piped to a backend of {@code route}. */
  record Tcp(String name, L4Route route) implements Frontend {}

  /** A UDP port: every client session goes to a backend of {@code route}. */
  record Udp(String name, L4Route route) implements Frontend {}
}
