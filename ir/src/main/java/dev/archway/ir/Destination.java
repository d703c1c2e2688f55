package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * A set of interchangeable endpoints, such as one port of one Service.
 *
 * @param name {@code service/<namespace>/<name>/<port>} or {@code backend/<namespace>/<name>}
 * @param protocol how to talk to the endpoints
 * @param endpoints the ready endpoints, sorted; empty means 503
 */
public record Destination(String name, AppProtocol protocol, List<Endpoint> endpoints) {
  public Destination {
    Objects.requireNonNull(name, "name");
    protocol = Objects.requireNonNullElse(protocol, AppProtocol.HTTP1);
    endpoints = List.copyOf(Objects.requireNonNullElse(endpoints, List.of()));
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
