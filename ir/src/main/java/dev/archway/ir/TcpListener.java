package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * A port whose Gateway listener has protocol TCP: every connection is piped to one backend picked
 * by weight. A connection whose pick is an invalid backend (null destination), or when no route is
 * attached, is closed.
 *
 * @param name {@code gateway/<namespace>/<name>/port/<port>}
 * @param port the TCP port
 * @param route the TCPRoute serving the port ({@code tcproute/<namespace>/<name>}), or null when
 *     none is attached. When several are attached, the oldest (then by namespace/name) wins and the
 *     others are not programmed
 * @param backends the winning route's backends
 */
public record TcpListener(String name, int port, String route, List<WeightedBackend> backends) {
  public TcpListener {
    Objects.requireNonNull(name, "name");
    Ports.check(port);
    backends = List.copyOf(Objects.requireNonNullElse(backends, List.of()));
  }
}
