package dev.archway.dataplane.proxy;

import static dev.archway.dataplane.Ir.exact;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.dataplane.Ir;
import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.routing.RouteTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How an HTTP/2 stream ends once its exchange is over, through the listener's own HTTP/2 pipeline
 * ({@link ServerPipelines#http2}) and a client's frame codec, the bytes carried between two
 * embedded channels. The proxy does not close a stream whose request has ended: the codec closes
 * it, and its channel, once both sides have sent their end.
 */
class Http2StreamEndTest {
  private static final int PORT = 8080;
  private final List<Channel> streams = new ArrayList<>();
  private final List<Http2StreamFrame> received = new ArrayList<>();
  private EmbeddedChannel server;
  private EmbeddedChannel client;
  private FrameRecorder recorder;

  @BeforeEach
  void setUp() {
    RouteTable table =
        RouteTable.compile(
            Ir.config(Ir.listener(PORT, vhost("v", "*", route("none", "*", exact("/none"))))));
    ProxyContext proxy = EmbeddedProxies.serving(table);
    ListenerKey listener = new ListenerKey("127.0.0.1", PORT);
    server = new EmbeddedChannel();
    ServerPipelines.http2(server.pipeline(), proxy, listener);
    // The same stream pipeline as in production, with each stream's channel noted on the way.
    server
        .pipeline()
        .replace(
            Http2MultiplexHandler.class,
            "streams",
            new Http2MultiplexHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel stream) {
                    streams.add(stream);
                    stream.pipeline().addLast(new Http2StreamInitializer(proxy, listener));
                  }
                }));
    recorder = new FrameRecorder();
    client = new EmbeddedChannel(Http2FrameCodecBuilder.forClient().build(), recorder);
    carry();
  }

  @AfterEach
  void tearDown() {
    received.forEach(ReferenceCountUtil::release);
    client.finishAndReleaseAll();
    server.finishAndReleaseAll();
  }

  @Test
  void aStreamWhoseRequestHasEndedClosesWithItsResponse() {
    Http2FrameStream stream = recorder.request("GET", true);
    carry();

    assertThat(status(stream)).isEqualTo("404");
    assertThat(endedBy(stream)).as("the response ended the stream").isTrue();
    assertThat(streams).hasSize(1);
    assertThat(streams.get(0).isOpen()).as("the stream's channel").isFalse();
    assertThat(resets()).isEmpty();
  }

  @Test
  void aStreamAnsweredBeforeItsRequestEndedClosesWhenTheRequestDoes() {
    Http2FrameStream stream = recorder.request("POST", false);
    carry();

    assertThat(status(stream)).isEqualTo("404");
    assertThat(streams.get(0).isOpen()).as("still reading the request body").isTrue();

    recorder.body(stream, "the rest", true);
    carry();

    assertThat(streams.get(0).isOpen()).isFalse();
    assertThat(resets()).isEmpty();
  }

  @Test
  void manyStreamsOnOneConnectionEachCloseInTurn() {
    for (int i = 0; i < 5; i++) {
      recorder.request("GET", true);
    }
    carry();

    assertThat(streams).hasSize(5).noneMatch(Channel::isOpen);
    assertThat(received.stream().filter(f -> f instanceof Http2HeadersFrame)).hasSize(5);
    assertThat(resets()).isEmpty();
  }

  /** Carries bytes both ways, running each side's tasks (gathered flushes), until none move. */
  private void carry() {
    for (int round = 0; round < 50; round++) {
      boolean moved = false;
      client.runPendingTasks();
      ByteBuf bytes;
      while ((bytes = client.readOutbound()) != null) {
        server.writeInbound(bytes);
        moved = true;
      }
      server.runPendingTasks();
      while ((bytes = server.readOutbound()) != null) {
        client.writeInbound(bytes);
        moved = true;
      }
      if (!moved) {
        return;
      }
    }
    throw new AssertionError("the two sides never stopped talking");
  }

  private String status(Http2FrameStream stream) {
    return received.stream()
        .filter(f -> f instanceof Http2HeadersFrame && f.stream().id() == stream.id())
        .map(f -> ((Http2HeadersFrame) f).headers().status().toString())
        .findFirst()
        .orElse(null);
  }

  private boolean endedBy(Http2FrameStream stream) {
    return received.stream()
        .filter(f -> f.stream().id() == stream.id())
        .anyMatch(
            f ->
                (f instanceof Http2HeadersFrame h && h.isEndStream())
                    || (f instanceof Http2DataFrame d && d.isEndStream()));
  }

  private List<Http2StreamFrame> resets() {
    return received.stream().filter(f -> f instanceof Http2ResetFrame).toList();
  }

  /** The client's end: opens streams and keeps every stream frame the server sends. */
  private final class FrameRecorder extends Http2ChannelDuplexHandler {
    private ChannelHandlerContext ctx;

    @Override
    public void handlerAdded0(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    Http2FrameStream request(String method, boolean endStream) {
      Http2FrameStream stream = newStream();
      Http2Headers headers =
          new DefaultHttp2Headers()
              .method(method)
              .path("/nothing")
              .scheme("http")
              .authority("example.com:" + PORT);
      ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream).stream(stream));
      return stream;
    }

    void body(Http2FrameStream stream, String text, boolean endStream) {
      ByteBuf data = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
      ctx.writeAndFlush(new DefaultHttp2DataFrame(data, endStream).stream(stream));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Http2StreamFrame frame) {
        received.add(frame);
      } else {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}
