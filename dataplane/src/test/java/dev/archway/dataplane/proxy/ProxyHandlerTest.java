package dev.archway.dataplane.proxy;

import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.exact;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.dataplane.Ir;
import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.routing.RouteTable;
import dev.archway.ir.Destination;
import dev.archway.ir.HttpFilter;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The answers the proxy gives without a backend, driven through EmbeddedChannel. */
class ProxyHandlerTest {
  private static final int PORT = 8080;
  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    RouteTable table =
        RouteTable.compile(
            Ir.config(
                Ir.listener(
                    PORT,
                    vhost(
                        "v",
                        "*",
                        route(
                            "redirect",
                            "*",
                            prefix("/old"),
                            List.of(new HttpFilter.RequestRedirect(null, null, null, null, 301))),
                        route("none", "*", exact("/none")),
                        route("empty", "*", exact("/empty"), backend("empty", 1)),
                        route("invalid", "*", exact("/invalid"), backend(null, 1)))),
                new Destination("empty", null, List.of())));
    ProxyContext proxy = EmbeddedProxies.serving(table);
    channel =
        new EmbeddedChannel(new ProxyHandler(proxy, new ListenerKey("127.0.0.1", PORT), false));
  }

  @AfterEach
  void tearDown() {
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  private static FullHttpRequest get(String uri) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    request.headers().set(HttpHeaderNames.HOST, "example.com:" + PORT);
    return request;
  }

  private FullHttpResponse response() {
    FullHttpResponse response = channel.readOutbound();
    assertThat(response).isNotNull();
    return response;
  }

  private String status(FullHttpResponse response) {
    try {
      return response.status().code()
          + " "
          + response.content().toString(StandardCharsets.UTF_8).trim();
    } finally {
      response.release();
    }
  }

  @Test
  void answers404WhenNoRouteMatchesAndKeepsTheConnection() {
    channel.writeInbound(get("/nothing-here"));

    FullHttpResponse response = response();
    assertThat(response.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("17");
    assertThat(status(response)).isEqualTo("404 no route matched");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void answersBackendErrorsLocally() {
    channel.writeInbound(get("/none"), get("/empty"), get("/invalid"));

    assertThat(status(response())).isEqualTo("500 route has no backends");
    assertThat(status(response())).isEqualTo("503 no healthy upstream");
    assertThat(status(response())).isEqualTo("500 invalid backend");
  }

  @Test
  void redirectsToTheListenerPort() {
    channel.writeInbound(get("/old/x?y=1"));

    FullHttpResponse response = response();
    assertThat(response.status().code()).isEqualTo(301);
    assertThat(response.headers().get(HttpHeaderNames.LOCATION))
        .isEqualTo("http://example.com:8080/old/x?y=1");
    response.release();
  }

  @Test
  void discardsTheBodyOfALocallyAnsweredRequestBeforeTheNextOne() {
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/nothing");
    head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    channel.writeInbound(head);
    assertThat(status(response())).startsWith("404");

    channel.writeInbound(
        new DefaultLastHttpContent(Unpooled.copiedBuffer("body", StandardCharsets.UTF_8)),
        get("/none"));

    assertThat(status(response())).startsWith("500");
    assertThat((Object) channel.readOutbound()).isNull();
  }

  @Test
  void closesAfterAnswerWhenTheClientAsks() {
    FullHttpRequest request = get("/nothing");
    request.headers().set(HttpHeaderNames.CONNECTION, "close");
    channel.writeInbound(request);

    FullHttpResponse response = response();
    assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    response.release();
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void rejectsAPathItCannotNormalize() {
    channel.writeInbound(get("/bad%zz"));

    assertThat(status(response())).isEqualTo("400 invalid request path");
  }

  @Test
  void closesAnIdleConnectionWhenDraining() {
    channel.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE);

    assertThat(channel.isOpen()).isFalse();
  }
}
