package dev.archway.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What an upstream connection's HTTP/1.1 codec passes on for the responses it reads. */
class Http1ClientCodecTest {
  private final EmbeddedChannel channel =
      new EmbeddedChannel(UpstreamInitializer.http1Codec().handlers());
  private final List<HttpObject> read = new ArrayList<>();

  @AfterEach
  void tearDown() {
    read.forEach(ReferenceCountUtil::release);
    channel.finishAndReleaseAll();
  }

  private void send(HttpMethod method) {
    channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
    channel.releaseOutbound();
  }

  private List<HttpObject> receive(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    List<HttpObject> messages = new ArrayList<>();
    for (HttpObject msg; (msg = channel.readInbound()) != null; ) {
      messages.add(msg);
    }
    read.addAll(messages);
    return messages;
  }

  private static int code(HttpObject msg) {
    return ((HttpResponse) msg).status().code();
  }

  private static String body(HttpObject msg) {
    return ((HttpContent) msg).content().toString(StandardCharsets.US_ASCII);
  }

  @Test
  void theStatusLinesVersionIsTheOneThatCame() {
    send(HttpMethod.GET);
    HttpObject http11 = receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").get(0);
    assertThat(((HttpResponse) http11).protocolVersion()).isSameAs(HttpVersion.HTTP_1_1);

    send(HttpMethod.GET);
    HttpObject http10 = receive("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").get(0);
    assertThat(((HttpResponse) http10).protocolVersion()).isSameAs(HttpVersion.HTTP_1_0);
  }

  @Test
  void aResponseWholeInOneReadIsOneMessage() {
    send(HttpMethod.GET);

    List<HttpObject> messages =
        receive("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello");

    assertThat(messages).singleElement().isInstanceOf(FullHttpResponse.class);
    FullHttpResponse response = (FullHttpResponse) messages.get(0);
    assertThat(response.decoderResult().isSuccess()).isTrue();
    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get("X-A")).isEqualTo("1");
    assertThat(body(response)).isEqualTo("hello");
  }

  @Test
  void responsesWithoutABodyAreOneMessageAndTheAnswerToHeadHasNone() {
    send(HttpMethod.HEAD);
    send(HttpMethod.GET);
    send(HttpMethod.GET);

    List<HttpObject> messages =
        receive(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

    assertThat(messages).hasSize(3).allMatch(FullHttpResponse.class::isInstance);
    assertThat(messages).extracting(Http1ClientCodecTest::code).containsExactly(200, 204, 200);
    assertThat(messages).extracting(Http1ClientCodecTest::body).containsExactly("", "", "ok");
  }

  @Test
  void aBodyLongerThanTheReadKeepsItsHeadApart() {
    send(HttpMethod.GET);

    List<HttpObject> first = receive("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
    List<HttpObject> rest = receive("world");

    assertThat(first).hasSize(2);
    assertThat(first.get(0)).isInstanceOf(HttpResponse.class).isNotInstanceOf(HttpContent.class);
    assertThat(first.get(1)).isInstanceOf(HttpContent.class).isNotInstanceOf(LastHttpContent.class);
    assertThat(body(first.get(1))).isEqualTo("hello");
    assertThat(rest).singleElement().isInstanceOf(LastHttpContent.class);
    assertThat(body(rest.get(0))).isEqualTo("world");
  }

  @Test
  void aChunkedBodyWithDataStaysInPiecesAndItsTrailersArrive() {
    send(HttpMethod.GET);

    List<HttpObject> messages =
        receive(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\nX-Sum: 5\r\n\r\n");

    assertThat(messages.get(0)).isNotInstanceOf(HttpContent.class);
    assertThat(messages.getLast()).isInstanceOf(LastHttpContent.class);
    assertThat(((LastHttpContent) messages.getLast()).trailingHeaders().get("X-Sum"))
        .isEqualTo("5");
    assertThat(messages.stream().skip(1).map(Http1ClientCodecTest::body))
        .containsExactly("hello", "");
  }

  @Test
  void anEmptyChunkedBodyJoinsItsHeadWithItsTrailers() {
    send(HttpMethod.GET);

    List<HttpObject> messages =
        receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Sum: 0\r\n\r\n");

    assertThat(messages).singleElement().isInstanceOf(FullHttpResponse.class);
    assertThat(((FullHttpResponse) messages.get(0)).trailingHeaders().get("X-Sum")).isEqualTo("0");
  }

  @Test
  void anInterimAnswerStaysApartFromTheResponse() {
    send(HttpMethod.POST);

    List<HttpObject> messages =
        receive("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

    assertThat(messages).hasSize(3);
    assertThat(code(messages.get(0))).isEqualTo(100);
    assertThat(messages.get(0)).isNotInstanceOf(HttpContent.class);
    assertThat(messages.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(messages.get(2)).isInstanceOf(FullHttpResponse.class);
    assertThat(body(messages.get(2))).isEqualTo("ok");
  }

  @Test
  void aMalformedResponseIsStillReportedAsFailed() {
    send(HttpMethod.GET);

    List<HttpObject> messages =
        receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok");

    assertThat(messages.get(0).decoderResult().isFailure()).isTrue();
  }
}
