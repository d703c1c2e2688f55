package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * What one Gateway serves.
 *
 * @param name {@code gateway/<namespace>/<name>}
 * @param bindAddress the local address its listeners bind to ({@code 0.0.0.0} for all)
 * @param httpListeners one entry per port that carries HTTP, sorted by port
 */
public record GatewayIr(String name, String bindAddress, List<HttpListener> httpListeners) {
  public GatewayIr {
    Objects.requireNonNull(name, "name");
    bindAddress = Objects.requireNonNullElse(bindAddress, "0.0.0.0");
    httpListeners = List.copyOf(Objects.requireNonNullElse(httpListeners, List.of()));
  }
}
