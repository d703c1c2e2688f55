package dev.archway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.TcpListener;
import dev.archway.ir.UdpListener;
import dev.archway.ir.WeightedBackend;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TCP and UDP listeners: echo through the proxy, weights, UDP sessions, lifecycle. */
class L4ProxyIT {
  private static L4Servers.Backend tcp1;
  private static L4Servers.Backend tcp3;
  private static L4Servers.Backend udp1;
  private static L4Servers.Backend udp2;
  private static DataPlane dataPlane;
  private static int port;
  private static int unroutedPort;

  @BeforeAll
  static void start() {
    tcp1 = L4Servers.tcpEcho("tcp-1", null);
    tcp3 = L4Servers.tcpEcho("tcp-3", null);
    udp1 = L4Servers.udpEcho("udp-1");
    udp2 = L4Servers.udpEcho("udp-2");
    port = E2e.freePort();
    unroutedPort = E2e.freePort();
    dataPlane = E2e.dataPlane();
    ApplyResult result = dataPlane.apply(config(port, unroutedPort));
    assertThat(result.allBound()).as(result.toString()).isTrue();
    assertThat(result.listeners()).hasSize(3);
  }

  @AfterAll
  static void stop() {
    dataPlane.close();
    tcp1.close();
    tcp3.close();
    udp1.close();
    udp2.close();
  }

  /** TCP on {@code port} (weights 1:3) and on {@code unrouted}; UDP on the same number as TCP. */
  private static DataPlaneConfig config(int port, int unrouted) {
    return new DataPlaneConfig(
        List.of(
            new GatewayIr(
                "gateway/default/gw",
                "127.0.0.1",
                List.of(),
                List.of(),
                List.of(
                    new TcpListener(
                        "gateway/default/gw/port/" + port,
                        port,
                        "tcproute/default/echo",
                        List.of(backend("tcp-1", 1), backend("tcp-3", 3))),
                    new TcpListener(
                        "gateway/default/gw/port/" + unrouted, unrouted, null, List.of())),
                List.of(
                    new UdpListener(
                        "gateway/default/gw/port/" + port + "/udp",
                        port,
                        "udproute/default/echo",
                        List.of(backend("udp-1", 1), backend("udp-2", 1)))),
                null,
                null)),
        List.of(
            destination("tcp-1", tcp1),
            destination("tcp-3", tcp3),
            destination("udp-1", udp1),
            destination("udp-2", udp2)));
  }

  private static WeightedBackend backend(String name, int weight) {
    return new WeightedBackend("service/default/" + name + "/7", weight, null);
  }

  private static Destination destination(String name, L4Servers.Backend backend) {
    return new Destination(
        "service/default/" + name + "/7",
        Destination.AppProtocol.HTTP1,
        List.of(new Endpoint("127.0.0.1", backend.port())));
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  @Test
  void tcpBytesArriveIntactBothWays() throws IOException {
    try (Socket socket = connect(port)) {
      assertThat(L4Servers.greeting(socket.getInputStream())).startsWith("tcp-");
      byte[] payload = new byte[4 * 1024 * 1024 + 3];
      new Random(7).nextBytes(payload);
      assertThat(L4Servers.echo(socket, payload)).isEqualTo(payload);
    }
  }

  @Test
  void tcpConnectionsFollowTheWeights() throws IOException {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      try (Socket socket = connect(port)) {
        seen.merge(L4Servers.greeting(socket.getInputStream()), 1, Integer::sum);
      }
    }
    assertThat(seen).containsOnlyKeys("tcp-1", "tcp-3");
    assertThat(seen.get("tcp-3")).isGreaterThan(seen.get("tcp-1"));
  }

  @Test
  void aTcpListenerWithoutARouteClosesConnections() throws IOException {
    try (Socket socket = connect(unroutedPort)) {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void udpSessionsKeepTheirBackendAndRepliesReachTheirClient() throws IOException {
    try (DatagramSocket a = L4Servers.udpClient();
        DatagramSocket b = L4Servers.udpClient()) {
      Set<String> backendsOfA = new HashSet<>();
      Set<String> backendsOfB = new HashSet<>();
      for (int i = 0; i < 5; i++) {
        String replyA = L4Servers.udpExchange(a, port, "a-" + i);
        String replyB = L4Servers.udpExchange(b, port, "b-" + i);
        assertThat(replyA).endsWith(":a-" + i);
        assertThat(replyB).endsWith(":b-" + i);
        backendsOfA.add(replyA.substring(0, replyA.indexOf(':')));
        backendsOfB.add(replyB.substring(0, replyB.indexOf(':')));
      }
      assertThat(backendsOfA).hasSize(1);
      assertThat(backendsOfB).hasSize(1);
    }
  }

  @Test
  void udpSessionsSpreadOverWeightedBackends() throws IOException {
    Set<String> backends = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      try (DatagramSocket client = L4Servers.udpClient()) {
        String reply = L4Servers.udpExchange(client, port, "hello");
        backends.add(reply.substring(0, reply.indexOf(':')));
      }
    }
    assertThat(backends).containsExactlyInAnyOrder("udp-1", "udp-2");
  }

  @Test
  void aPortThatChangesKindKeepsItsSocket() throws IOException {
    int shared = E2e.freePort();
    String name = "gateway/default/gw/port/" + shared;
    DataPlaneConfig http = Ir.config(Ir.listener(shared));
    DataPlaneConfig tcp =
        new DataPlaneConfig(
            List.of(
                new GatewayIr(
                    "gateway/default/gw",
                    "127.0.0.1",
                    List.of(),
                    List.of(),
                    List.of(
                        new TcpListener(
                            name, shared, "tcproute/default/echo", List.of(backend("tcp-1", 1)))),
                    List.of(),
                    null,
                    null)),
            List.of(destination("tcp-1", tcp1)));
    try (DataPlane other = E2e.dataPlane()) {
      assertThat(other.apply(http).allBound()).isTrue();
      var socket = other.serverChannel(name);
      assertThat(other.apply(tcp).allBound()).isTrue();
      assertThat(other.serverChannel(name)).isSameAs(socket);
      try (Socket client = connect(shared)) {
        assertThat(L4Servers.greeting(client.getInputStream())).isEqualTo("tcp-1");
      }
    }
  }

  @Test
  void bindErrorsAreReportedPerListenerAndRemovedPortsClose() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        DataPlane other = E2e.dataPlane()) {
      int free = E2e.freePort();
      ApplyResult result = other.apply(config(taken.getLocalPort(), free));
      assertThat(result.listenerErrors())
          .containsOnlyKeys("gateway/default/gw/port/" + taken.getLocalPort());
      assertThat(
              result
                  .listener("gateway/default/gw/port/" + taken.getLocalPort() + "/udp")
                  .orElseThrow()
                  .bound())
          .isTrue();
      assertThat(result.listener("gateway/default/gw/port/" + free).orElseThrow().bound()).isTrue();

      other.apply(DataPlaneConfig.EMPTY);
      try (ServerSocket rebound = new ServerSocket(free, 1, InetAddress.getLoopbackAddress())) {
        assertThat(rebound.getLocalPort()).isEqualTo(free);
      }
    }
  }
}
