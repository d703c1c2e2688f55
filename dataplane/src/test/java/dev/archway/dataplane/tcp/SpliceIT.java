package dev.archway.dataplane.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.archway.dataplane.ApplyResult;
import dev.archway.dataplane.DataPlane;
import dev.archway.dataplane.E2e;
import dev.archway.dataplane.L4Servers;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.TcpListener;
import dev.archway.ir.WeightedBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The opt-in splice(2) relay moves bytes intact both ways, with backpressure. */
class SpliceIT {
  @AfterEach
  void off() {
    System.clearProperty("archway.tcp.splice");
  }

  @Test
  void splicedTcpRelayEchoesEightMebibytes() throws IOException {
    System.setProperty("archway.tcp.splice", "true");
    int port = E2e.freePort();
    try (L4Servers.Backend echo = L4Servers.tcpEcho("spliced", null);
        DataPlane dataPlane = E2e.dataPlane()) {
      assumeTrue(dataPlane.transport().equals("epoll"), "splice needs the epoll transport");
      ApplyResult result =
          dataPlane.apply(
              new DataPlaneConfig(
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
                                  List.of(new WeightedBackend("service/default/echo/7", 1, null)))),
                          List.of(),
                          null,
                          null)),
                  List.of(
                      new Destination(
                          "service/default/echo/7",
                          Destination.AppProtocol.HTTP1,
                          List.of(new Endpoint("127.0.0.1", echo.port()))))));
      assertThat(result.allBound()).isTrue();
      long before = Splice.STARTED.get();
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(10_000);
        assertThat(L4Servers.greeting(socket.getInputStream())).isEqualTo("spliced");
        byte[] payload = new byte[8 * 1024 * 1024 + 5];
        new Random(3).nextBytes(payload);
        assertThat(L4Servers.echo(socket, payload)).isEqualTo(payload);
      }
      assertThat(Splice.STARTED.get()).isEqualTo(before + 1);
    }
  }
}
