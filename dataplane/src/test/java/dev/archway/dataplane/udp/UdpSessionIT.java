package dev.archway.dataplane.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.dataplane.L4Servers;
import dev.archway.dataplane.tcp.L4Route;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** UDP sessions end when idle, and a later datagram from the same client starts a new one. */
class UdpSessionIT {
  @Test
  void idleSessionsEndAndTheNextDatagramStartsANewOne() throws Exception {
    // An idle time long enough that a loaded machine never ends a session mid-exchange.
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try (L4Servers.Backend echo = L4Servers.udpEcho("udp-echo");
        DatagramSocket client = L4Servers.udpClient()) {
      L4Route route =
          new L4Route(
              "udproute/ns/echo",
              List.of(
                  new L4Route.Backend(
                      "d",
                      1,
                      new L4Route.Upstream(
                          List.of(
                              new InetSocketAddress(
                                  InetAddress.getLoopbackAddress(), echo.port()))))));
      UdpProxyHandler handler =
          new UdpProxyHandler(() -> route, NioDatagramChannel.class, Duration.ofSeconds(1));
      Channel listener =
          new Bootstrap()
              .group(group)
              .channel(NioDatagramChannel.class)
              .handler(handler)
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .sync()
              .channel();
      int port = ((InetSocketAddress) listener.localAddress()).getPort();

      assertThat(L4Servers.udpExchange(client, port, "one")).isEqualTo("udp-echo:one");
      assertThat(L4Servers.udpExchange(client, port, "two")).isEqualTo("udp-echo:two");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> listener.eventLoop().submit(handler::sessions).get() == 0);
      long before = listener.eventLoop().submit(handler::opened).get();
      assertThat(L4Servers.udpExchange(client, port, "three")).isEqualTo("udp-echo:three");
      // The idle session is gone, so the same client got a new one.
      assertThat(listener.eventLoop().submit(handler::opened).get()).isEqualTo(before + 1);

      listener.close().sync();
      // Netty fires channelInactive in a task after the close future completes.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> listener.eventLoop().submit(handler::sessions).get() == 0);
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }
  }
}
