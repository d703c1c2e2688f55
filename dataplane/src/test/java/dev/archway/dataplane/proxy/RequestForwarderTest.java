package dev.archway.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The messages a try's upstream channel gets for the request half of an exchange. */
class RequestForwarderTest {
  private final EmbeddedChannel upstream = new EmbeddedChannel();
  private final HttpRequest head =
      new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");

  @AfterEach
  void tearDown() {
    upstream.finishAndReleaseAll();
  }

  @Test
  void aRequestThatCameWithItsEndIsSentAsOneMessage() {
    RequestForwarder forwarder = new RequestForwarder(true, true);

    forwarder.send(upstream, head);
    forwarder.onContent(LastHttpContent.EMPTY_LAST_CONTENT, upstream, false);

    Object sent = upstream.readOutbound();
    assertThat(sent).isInstanceOf(FullHttpRequest.class);
    assertThat(((FullHttpRequest) sent).uri()).isEqualTo("/x");
    assertThat(((FullHttpRequest) sent).content().isReadable()).isFalse();
    assertThat((Object) upstream.readOutbound()).isNull();
    assertThat(forwarder.endWritten()).isTrue();
    assertThat(forwarder.replayable()).isTrue();
  }

  @Test
  void aHeadWhoseEndIsStillToComeIsSentAlone() {
    RequestForwarder forwarder = new RequestForwarder(true, false);

    forwarder.send(upstream, head);
    assertThat(forwarder.endWritten()).isFalse();
    forwarder.onContent(LastHttpContent.EMPTY_LAST_CONTENT, upstream, false);

    Object first = upstream.readOutbound();
    assertThat(first).isInstanceOf(HttpRequest.class).isNotInstanceOf(HttpContent.class);
    assertThat((Object) upstream.readOutbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
    assertThat(forwarder.endWritten()).isTrue();
  }

  @Test
  void aRequestWithABodyNeverJoinsHeadAndEnd() {
    RequestForwarder forwarder = new RequestForwarder(false, true);

    forwarder.send(upstream, head);
    forwarder.onContent(
        new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[] {1, 2})), upstream, false);

    Object first = upstream.readOutbound();
    assertThat(first).isInstanceOf(HttpRequest.class).isNotInstanceOf(HttpContent.class);
    LastHttpContent body = upstream.readOutbound();
    assertThat(body.content().readableBytes()).isEqualTo(2);
    body.release();
    assertThat(forwarder.replayable()).isFalse();
  }
}
