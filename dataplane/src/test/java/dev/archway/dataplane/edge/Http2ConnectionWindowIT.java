package dev.archway.dataplane.edge;

import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.dataplane.DataPlane;
import dev.archway.dataplane.DataPlaneOptions;
import dev.archway.dataplane.E2e;
import dev.archway.dataplane.Ir;
import dev.archway.echo.EchoServer;
import dev.archway.echo.H2cClient;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The receive window the proxy grants on its HTTP/2 connections, seen from the peer's flow
 * controller: to a client 1 MiB for the connection (not the protocol's 65,535 bytes) and 64 KiB per
 * stream; to an HTTP/2 upstream 1 MiB per stream and about twice that for the connection.
 */
class Http2ConnectionWindowIT {
  private static final int CONNECTION_WINDOW = 1024 * 1024;
  private static final int STREAM_WINDOW = 64 * 1024 - 1;
  private static final int UPSTREAM_STREAM_WINDOW = 1024 * 1024;

  private static EventLoopGroup group;
  private static EchoServer echo;
  private static Channel upstream;
  private static DataPlane dataPlane;
  private static int port;

  @BeforeAll
  static void start() {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    echo = E2e.echo("window-echo");
    upstream =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                    ch.pipeline().addLast(new AnswersWithItsSendWindow());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
    int upstreamPort = ((InetSocketAddress) upstream.localAddress()).getPort();
    port = E2e.freePort();
    dataPlane =
        DataPlane.start(
            DataPlaneOptions.defaults().withWorkers(1).withDrainTimeout(Duration.ofSeconds(2)));
    dataPlane.apply(
        Ir.config(
            Ir.listener(
                port,
                vhost(
                    "v",
                    "*",
                    route("h2", "*", prefix("/h2"), backend("h2c", 1)),
                    route("all", "*", prefix("/"), backend("echo", 1)))),
            E2e.destination("echo", echo),
            new Destination(
                "h2c",
                Destination.AppProtocol.H2C,
                List.of(new Endpoint("127.0.0.1", upstreamPort)))));
  }

  @AfterAll
  static void stop() {
    dataPlane.close();
    echo.close();
    upstream.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aClientMaySendAMebibyteOnTheConnectionAnd64KiBOnAStream() throws Exception {
    try (H2cClient client = H2cClient.connect(new InetSocketAddress("127.0.0.1", port))) {
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(client.connectionSendWindow()).isEqualTo(CONNECTION_WINDOW));
      assertThat(client.streamSendWindow()).isEqualTo(STREAM_WINDOW);
      assertThat(client.get("a", "/anything").status()).isEqualTo(200);
    }
  }

  @Test
  void anHttp2UpstreamMaySendAMebibyteOnAStreamAndTwiceThatOnTheConnection() {
    // The first request may reach the upstream before the window update: Netty completes the
    // connect, and so opens the first stream, before the connection's channelActive. The second
    // goes over the same connection (one worker, one HTTP/2 connection per endpoint).
    var first = E2e.send(E2e.http1(), E2e.request(port, "a", "/h2/window"));
    var second = E2e.send(E2e.http1(), E2e.request(port, "a", "/h2/window"));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(200);
    // Netty's codec makes the connection's window twice the streams' (less the 64 KiB it had).
    assertThat(second.headers().firstValue("x-send-window"))
        .hasValue("" + (2 * UPSTREAM_STREAM_WINDOW - 65_535));
    assertThat(first.headers().firstValue("x-stream-window")).hasValue("" + UPSTREAM_STREAM_WINDOW);
  }

  /**
   * An HTTP/2 upstream that answers every request with how many bytes it may send on the connection
   * (its flow controller's window toward the proxy) in {@code x-send-window}.
   */
  private static final class AnswersWithItsSendWindow extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean requestEnds =
          (msg instanceof Http2HeadersFrame headers && headers.isEndStream())
              || (msg instanceof Http2DataFrame data && data.isEndStream());
      if (requestEnds) {
        Http2Connection http2 = ctx.pipeline().get(Http2FrameCodec.class).connection();
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers
            .status("200")
            .set(
                "x-send-window",
                "" + http2.remote().flowController().windowSize(http2.connectionStream()))
            .set("x-stream-window", "" + http2.remote().flowController().initialWindowSize());
        Http2FrameStream stream = ((Http2StreamFrame) msg).stream();
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true).stream(stream));
      }
      ReferenceCountUtil.release(msg);
    }
  }
}
