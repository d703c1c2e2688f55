package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * A set of interchangeable endpoints, such as one port of one Service.
 *
 * @param name {@code service/<namespace>/<name>/<port>} or {@code backend/<namespace>/<name>}
 * @param protocol how to talk to the endpoints over HTTP; TCP, TLS and UDP listeners ignore it and
 *     pipe bytes
 * @param endpoints the ready endpoints, sorted; empty means 503
 * @param tls TLS to the endpoints (from a BackendTLSPolicy), or null for plaintext. The {@code
 *     protocol} still applies on top: HTTP/1.1 over TLS, or HTTP/2 over TLS (ALPN {@code h2}) for
 *     H2C
 */
public record Destination(
    String name, AppProtocol protocol, List<Endpoint> endpoints, UpstreamTls tls) {
  public Destination {
    Objects.requireNonNull(name, "name");
    protocol = Objects.requireNonNullElse(protocol, AppProtocol.HTTP1);
    endpoints = List.copyOf(Objects.requireNonNullElse(endpoints, List.of()));
  }

  /** A plaintext destination. */
  public Destination(String name, AppProtocol protocol, List<Endpoint> endpoints) {
    this(name, protocol, endpoints, null);
  }

  /** The application protocol spoken to a destination. */
  public enum AppProtocol {
    /** HTTP/1.1 with keep-alive. */
    HTTP1,
    /** HTTP/2 over cleartext with prior knowledge ({@code kubernetes.io/h2c}). */
    H2C,
    /** HTTP/1.1 that may upgrade to WebSocket ({@code kubernetes.io/ws}). */
    WEBSOCKET
  }
}
