package dev.archway.dataplane;

import static dev.archway.dataplane.E2e.request;
import static dev.archway.dataplane.E2e.send;
import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.dataplane.tls.TestPki;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.UpstreamTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BackendTLSPolicy end to end: the CA bundle, SNI, and the identity checks against a TLS backend.
 */
class UpstreamTlsIT {
  private static EventLoopGroup group;
  private static Channel backend;
  private static DataPlane dataPlane;
  private static HttpClient client;
  private static int port;
  private static TestPki ca;
  private static TestPki otherCa;
  private static List<Endpoint> endpoints;
  private static final AtomicInteger backendConnections = new AtomicInteger();

  @BeforeAll
  static void start() {
    ca = TestPki.ca("upstream-ca");
    otherCa = TestPki.ca("other-ca");
    TestPki.Issued cert = ca.issue("backend", "backend.example.com");
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    backend =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    backendConnections.incrementAndGet();
                    SSLEngine engine = cert.serverContext().createSSLEngine();
                    engine.setUseClientMode(false);
                    ch.pipeline()
                        .addLast(new SslHandler(engine))
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1024))
                        .addLast(new TlsAnswer());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .syncUninterruptibly()
            .channel();
    int backendPort = ((InetSocketAddress) backend.localAddress()).getPort();
    endpoints = List.of(new Endpoint("127.0.0.1", backendPort));
    port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    dataPlane.apply(config());
    client = E2e.http1();
  }

  /** The configuration under test, built anew on each call as a translation would. */
  private static DataPlaneConfig config(HttpRoute... more) {
    List<HttpRoute> routes =
        new ArrayList<>(
            List.of(
                route("ok", "*", prefix("/ok"), backend("ok", 1)),
                route("san-list", "*", prefix("/san-list"), backend("san-list", 1)),
                route("wrong-sni", "*", prefix("/wrong-sni"), backend("wrong-sni", 1)),
                route("wrong-san", "*", prefix("/wrong-san"), backend("wrong-san", 1)),
                route("untrusted", "*", prefix("/untrusted"), backend("untrusted", 1)),
                route("broken", "*", prefix("/broken"), backend("broken", 1)),
                route("plain", "*", prefix("/plain"), backend("plain", 1))));
    routes.addAll(List.of(more));
    return Ir.config(
        Ir.listener(port, vhost("v", "*", routes.toArray(HttpRoute[]::new))),
        tls("ok", endpoints, ca.pem(), "backend.example.com", List.of()),
        tls(
            "san-list",
            endpoints,
            ca.pem(),
            "not-in-the-certificate.example.com",
            List.of(san("backend.example.com"))),
        tls("wrong-sni", endpoints, ca.pem(), "other.example.com", List.of()),
        tls("wrong-san", endpoints, ca.pem(), "backend.example.com", List.of(san("x.example.com"))),
        tls("untrusted", endpoints, otherCa.pem(), "backend.example.com", List.of()),
        tls("broken", endpoints, "not a PEM", "backend.example.com", List.of()),
        new Destination("plain", Destination.AppProtocol.HTTP1, endpoints));
  }

  @AfterAll
  static void stop() {
    client.close();
    dataPlane.close();
    backend.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static UpstreamTls.SubjectAltName san(String host) {
    return new UpstreamTls.SubjectAltName(UpstreamTls.SubjectAltName.Type.HOSTNAME, host);
  }

  private static Destination tls(
      String name,
      List<Endpoint> endpoints,
      String ca,
      String sni,
      List<UpstreamTls.SubjectAltName> sans) {
    return new Destination(
        name, Destination.AppProtocol.HTTP1, endpoints, new UpstreamTls(ca, false, sni, sans));
  }

  @Test
  void trustedBackendWithMatchingNameAnswers() {
    var response = send(client, request(port, null, "/ok"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("tls sni=backend.example.com");
  }

  @Test
  void listedSubjectAltNameIsEnoughWhateverTheSni() {
    assertThat(send(client, request(port, null, "/san-list")).statusCode()).isEqualTo(200);
  }

  @Test
  void certificateNotValidForTheSniIs502() {
    assertThat(send(client, request(port, null, "/wrong-sni")).statusCode()).isEqualTo(502);
  }

  @Test
  void certificateWithoutTheListedSanIs502() {
    assertThat(send(client, request(port, null, "/wrong-san")).statusCode()).isEqualTo(502);
  }

  @Test
  void untrustedCaIs502() {
    assertThat(send(client, request(port, null, "/untrusted")).statusCode()).isEqualTo(502);
  }

  @Test
  void unusableCaBundleIs502AndTheRestOfTheConfigurationServes() {
    assertThat(send(client, request(port, null, "/broken")).statusCode()).isEqualTo(502);
    assertThat(send(client, request(port, null, "/ok")).statusCode()).isEqualTo(200);
  }

  /**
   * A configuration change that leaves a destination's TLS settings as they were keeps its pooled
   * connections: the next request reuses one instead of opening a new connection and handshake.
   */
  @Test
  void aChangeElsewhereKeepsPooledTlsConnections() {
    try (var ownClient = E2e.http1()) {
      assertThat(send(ownClient, request(port, null, "/ok")).statusCode()).isEqualTo(200);
      int opened = backendConnections.get();

      dataPlane.apply(config(route("new", "*", prefix("/new"), backend("ok", 1))));
      assertThat(send(ownClient, request(port, null, "/new")).statusCode()).isEqualTo(200);

      assertThat(backendConnections.get()).isEqualTo(opened);
    }
  }

  @Test
  void plaintextToATlsBackendFails() {
    assertThat(send(client, request(port, null, "/plain")).statusCode()).isEqualTo(502);
  }

  /** Answers with the SNI the client sent. */
  private static final class TlsAnswer extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
      SSLEngine engine = ctx.pipeline().get(SslHandler.class).engine();
      String sni = "none";
      if (engine.getSession() instanceof javax.net.ssl.ExtendedSSLSession session) {
        sni =
            session.getRequestedServerNames().stream()
                .map(n -> new String(n.getEncoded(), StandardCharsets.US_ASCII))
                .findFirst()
                .orElse("none");
      }
      byte[] body = ("tls sni=" + sni).getBytes(StandardCharsets.US_ASCII);
      DefaultFullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
      HttpUtil.setContentLength(response, body.length);
      ctx.writeAndFlush(response);
    }
  }
}
