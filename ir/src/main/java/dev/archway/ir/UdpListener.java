package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * A port whose Gateway listener has protocol UDP: datagrams from one client address and port (a
 * session) go to one backend picked by weight when the session starts, and replies go back to the
 * client from the listener's port. Datagrams whose pick is an invalid backend are dropped.
 *
 * @param name {@code gateway/<namespace>/<name>/port/<port>/udp}
 * @param port the UDP port
 * @param route the UDPRoute serving the port ({@code udproute/<namespace>/<name>}), or null when
 *     none is attached; the oldest wins as for {@link TcpListener}
 * @param backends the winning route's backends
 */
public record UdpListener(String name, int port, String route, List<WeightedBackend> backends) {
  public UdpListener {
    Objects.requireNonNull(name, "name");
    Ports.check(port);
    backends = List.copyOf(Objects.requireNonNullElse(backends, List.of()));
  }
}
