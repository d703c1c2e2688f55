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
import dev.archway.dataplane.RawHttp;
import dev.archway.dataplane.proxy.EdgeLimits;
import dev.archway.echo.EchoServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Client deadlines (slowloris, idle, stalled body) and the HTTP/2 rapid-reset limit. */
class EdgeLimitsIT {
  private static EchoServer backend;
  private static DataPlane dataPlane;
  private static int port;

  @BeforeAll
  static void start() {
    backend = E2e.echo("edge-backend");
    port = E2e.freePort();
    EdgeLimits d = EdgeLimits.defaults();
    EdgeLimits limits =
        new EdgeLimits(
            d.maxInitialLineLength(),
            d.maxHeaderSize(),
            d.maxHeaderCount(),
            Duration.ofMillis(300),
            Duration.ofMillis(500),
            Duration.ofMillis(300),
            d.maxConcurrentStreams(),
            d.maxHeaderListSize(),
            20,
            30,
            d.maxSmallContinuationFrames());
    dataPlane =
        DataPlane.start(
            DataPlaneOptions.defaults()
                .withWorkers(1)
                .withDrainTimeout(Duration.ofSeconds(2))
                .withEdgeLimits(limits));
    dataPlane.apply(
        Ir.config(
            Ir.listener(port, vhost("v", "*", route("all", "*", prefix("/"), backend("b", 1)))),
            E2e.destination("b", backend)));
  }

  @AfterAll
  static void stop() {
    dataPlane.close();
    backend.close();
  }

  @Test
  void slowHeadersCloseTheConnection() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: a\r\n".getBytes());
      socket.getOutputStream().flush();

      assertThat(socket.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
    }
    assertThat(backend.requests()).doesNotContain("GET /slow");
  }

  @Test
  void stalledBodyClosesTheConnection() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write("POST /stall HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nab".getBytes());
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();

      assertThat(in.readAllBytes()).as("the connection ends").isNotNull();
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterItsResponse() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write("GET /idle HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
      socket.getOutputStream().flush();

      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

      assertThat(all).startsWith("HTTP/1.1 200 ").contains("/idle");
    }
  }

  @Test
  void requestsKeepWorkingWithinTheLimits() {
    RawHttp.Exchange exchange =
        RawHttp.send(port, "GET /ok HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 5000);

    assertThat(exchange.status()).isEqualTo(200);
  }

  @Test
  void rapidResetClosesTheConnection() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel connection =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                      ch.pipeline().addLast(new Http2MultiplexHandler(new Discard()));
                    }
                  })
              .connect(new InetSocketAddress("127.0.0.1", port))
              .syncUninterruptibly()
              .channel();
      // Open a stream and reset it at once, again and again: more than the 20 allowed per window.
      for (int i = 0; i < 100 && connection.isActive(); i++) {
        Future<Http2StreamChannel> opening =
            new Http2StreamChannelBootstrap(connection).handler(new Discard()).open();
        if (!opening.await(5, TimeUnit.SECONDS) || !opening.isSuccess()) {
          break; // the server already closed the connection
        }
        Http2StreamChannel stream = opening.getNow();
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.method("GET").path("/reset").scheme("http").authority("a");
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
        stream.close(); // RST_STREAM(CANCEL)
      }

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(connection.isActive()).isFalse());
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /** Drops whatever arrives. */
  @Test
  void aSilentHttp2StreamIsResetAndItsConnectionGoesOn() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel connection =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                      ch.pipeline().addLast(new Http2MultiplexHandler(new Discard()));
                    }
                  })
              .connect(new InetSocketAddress("127.0.0.1", port))
              .syncUninterruptibly()
              .channel();
      // A request whose body never comes: headers without END_STREAM, then silence.
      Http2StreamChannel silent =
          new Http2StreamChannelBootstrap(connection).handler(new Discard()).open().sync().getNow();
      DefaultHttp2Headers upload = new DefaultHttp2Headers();
      upload.method("POST").path("/upload").scheme("http").authority("a");
      silent.writeAndFlush(new DefaultHttp2HeadersFrame(upload, false));

      assertThat(silent.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(connection.isActive()).isTrue();
      CompletableFuture<String> status = new CompletableFuture<>();
      Http2StreamChannel next =
          new Http2StreamChannelBootstrap(connection)
              .handler(
                  new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                      if (msg instanceof Http2HeadersFrame frame) {
                        status.complete(String.valueOf(frame.headers().status()));
                      }
                      ReferenceCountUtil.release(msg);
                    }
                  })
              .open()
              .sync()
              .getNow();
      DefaultHttp2Headers get = new DefaultHttp2Headers();
      get.method("GET").path("/after").scheme("http").authority("a");
      next.writeAndFlush(new DefaultHttp2HeadersFrame(get, true));
      assertThat(status.get(5, TimeUnit.SECONDS)).isEqualTo("200");
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static final class Discard extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
