package dev.archway.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the listener's HTTP/1.1 codec passes on for the requests it reads. */
class Http1ServerCodecTest {
  private final List<Object> events = new ArrayList<>();
  private final EmbeddedChannel channel = new EmbeddedChannel();

  {
    channel
        .pipeline()
        .addLast(Http1ServerCodec.handlers(EdgeLimits.defaults()))
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
                ctx.fireUserEventTriggered(evt);
              }
            });
  }

  @AfterEach
  void tearDown() {
    channel.finishAndReleaseAll();
  }

  private void receive(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  @Test
  void aRequestWithoutABodyIsOneMessage() {
    receive("GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nX-Test: 1\r\n\r\n");

    Object msg = channel.readInbound();
    assertThat(msg).isInstanceOf(FullHttpRequest.class);
    FullHttpRequest request = (FullHttpRequest) msg;
    assertThat(request.decoderResult().isSuccess()).isTrue();
    assertThat(request.uri()).isEqualTo("/a?b=c");
    assertThat(request.headers().get(HttpHeaderNames.HOST)).isEqualTo("example.com");
    assertThat(request.headers().get("X-Test")).isEqualTo("1");
    assertThat(request.content().isReadable()).isFalse();
    assertThat(request.trailingHeaders().isEmpty()).isTrue();
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void pipelinedRequestsWithoutBodiesAreOneMessageEach() {
    receive(
        "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
            + "DELETE /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
            + "HEAD /3 HTTP/1.1\r\nHost: h\r\n\r\n");

    for (String uri : new String[] {"/1", "/2", "/3"}) {
      Object msg = channel.readInbound();
      assertThat(msg).isInstanceOf(FullHttpRequest.class);
      assertThat(((HttpRequest) msg).uri()).isEqualTo(uri);
    }
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void aRequestWithABodyKeepsItsHeadApart() {
    receive("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");

    Object head = channel.readInbound();
    assertThat(head).isInstanceOf(HttpRequest.class).isNotInstanceOf(HttpContent.class);
    HttpContent body = channel.readInbound();
    assertThat(body).isInstanceOf(LastHttpContent.class);
    assertThat(body.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
    body.release();
    assertThat((Object) channel.readInbound()).isNull();
  }

  @Test
  void aChunkedRequestKeepsItsHeadApartEvenWhenEmpty() {
    receive("POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

    Object head = channel.readInbound();
    assertThat(head).isInstanceOf(HttpRequest.class).isNotInstanceOf(HttpContent.class);
    Object end = channel.readInbound();
    assertThat(end).isInstanceOf(LastHttpContent.class).isNotInstanceOf(HttpRequest.class);
  }

  @Test
  void anObsFoldIsRejectedWhereverItsLineBreakFallsAndHoweverTheHeadIsCut() {
    for (int pad = 0; pad < 17; pad++) {
      String name = "X-" + "p".repeat(pad);
      String folded = "GET / HTTP/1.1\r\nHost: h\r\n" + name + ": a\r\n b\r\nX-After: 1\r\n\r\n";
      String plain = "GET / HTTP/1.1\r\nHost: h\r\n" + name + ": a b\r\nX-After: 1\r\n\r\n";
      for (boolean byteByByte : new boolean[] {false, true}) {
        String what = name + (byteByByte ? ", a byte per read" : ", in one read");
        assertThat(decoded(folded, byteByByte).decoderResult().isFailure())
            .as("folded, %s", what)
            .isTrue();
        HttpRequest accepted = decoded(plain, byteByByte);
        assertThat(accepted.decoderResult().isSuccess()).as("plain, %s", what).isTrue();
        assertThat(accepted.headers().get("X-After")).as("plain, %s", what).isEqualTo("1");
      }
    }
  }

  /** The first request {@code head} gives on a new connection, fed whole or a byte per read. */
  private static HttpRequest decoded(String head, boolean byteByByte) {
    EmbeddedChannel connection =
        new EmbeddedChannel(Http1ServerCodec.handlers(EdgeLimits.defaults()));
    try {
      byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
      int step = byteByByte ? 1 : bytes.length;
      for (int i = 0; i < bytes.length; i += step) {
        connection.writeInbound(Unpooled.wrappedBuffer(bytes, i, step));
      }
      HttpRequest request = connection.readInbound();
      ReferenceCountUtil.release(request);
      return request;
    } finally {
      connection.finishAndReleaseAll();
    }
  }

  @Test
  void theLineFeedSearchFindsTheFirstWhateverTheBytesAroundIt() {
    byte[] others = {'a', 0x0B, 0x09, 0x00, 0x01, (byte) 0x8A, (byte) 0xFF, 0x0D};
    java.util.Random random = new java.util.Random(7);
    for (int length = 0; length < 40; length++) {
      for (int trial = 0; trial < 50; trial++) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
          bytes[i] = random.nextInt(6) == 0 ? (byte) '\n' : others[random.nextInt(others.length)];
        }
        int from = length == 0 ? 0 : random.nextInt(length);
        int expected = -1;
        for (int i = from; i < length && expected < 0; i++) {
          expected = bytes[i] == '\n' ? i : -1;
        }
        assertThat(Http1ServerCodec.indexOfLf(Unpooled.wrappedBuffer(bytes), from, length))
            .as("%s from %d", java.util.Arrays.toString(bytes), from)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aMalformedRequestIsStillReportedAsFailed() {
    receive("GET / HTTP/1.1\r\nHost: h\r\nHost: h\r\n\r\n");

    HttpRequest request = channel.readInbound();
    assertThat(request.decoderResult().isFailure()).isTrue();
    assertThat(Http1ServerCodec.statusFor(request.decoderResult())).isEqualTo(400);
  }

  @Test
  void aHeadThatComesWholeStartsNoHeadDeadline() {
    receive("GET /a HTTP/1.1\r\nHost: h\r\n\r\n");

    assertThat((Object) channel.readInbound()).isInstanceOf(FullHttpRequest.class);
    assertThat(events).doesNotContain(Http1ServerCodec.HEAD_STARTED);
  }

  @Test
  void aHeadThatComesInPiecesStartsTheHeadDeadlineOnce() {
    receive("\r\n"); // blank lines before a request are no head yet (RFC 9112 §2.2)
    assertThat(events).isEmpty();

    receive("GET /a HTTP/1.1\r\nHo");
    assertThat(events).containsExactly(Http1ServerCodec.HEAD_STARTED);

    receive("st: h\r\n");
    receive("\r\n");
    assertThat((Object) channel.readInbound()).isInstanceOf(FullHttpRequest.class);
    assertThat(events).containsExactly(Http1ServerCodec.HEAD_STARTED);

    receive("GET /b HTTP/1.1\r\n");
    assertThat(events)
        .as("the next request's head starts its own deadline")
        .containsExactly(Http1ServerCodec.HEAD_STARTED, Http1ServerCodec.HEAD_STARTED);
  }

  @Test
  void aPipelinedHeadCutByTheReadStartsTheHeadDeadline() {
    receive("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHo");

    assertThat(((HttpRequest) channel.readInbound()).uri()).isEqualTo("/1");
    assertThat(events).containsExactly(Http1ServerCodec.HEAD_STARTED);
  }

  @Test
  void aBodyThatComesInPiecesIsNoHead() {
    receive("POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\nab");
    receive("cd");

    assertThat(events).isEmpty();
    ReferenceCountUtil.release(channel.readInbound());
    ReferenceCountUtil.release(channel.readInbound());
    ReferenceCountUtil.release(channel.readInbound());
  }
}
