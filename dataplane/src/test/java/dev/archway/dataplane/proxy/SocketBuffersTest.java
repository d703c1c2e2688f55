package dev.archway.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.routing.RouteTable;
import dev.archway.ir.DataPlaneConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Both HTTP/1 decoders pass on a body read in one go as one piece, up to the largest read, and an
 * HTTP/2 stream, like a socket, takes such a read before it turns unwritable.
 */
class SocketBuffersTest {
  private static final int BODY = SocketBuffers.MAX_READ + 1000;

  @Test
  void theServerCodecPassesOnAWholeReadOfARequestBody() {
    EmbeddedChannel channel = new EmbeddedChannel(Http1ServerCodec.handlers(EdgeLimits.defaults()));
    String head = "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: " + BODY + "\r\n\r\n";

    channel.writeInbound(withBody(head));

    assertThat(bodyPieces(channel)).containsExactly(SocketBuffers.MAX_READ, 1000);
    channel.finishAndReleaseAll();
  }

  @Test
  void theUpstreamCodecPassesOnAWholeReadOfAResponseBody() {
    EmbeddedChannel channel = new EmbeddedChannel(UpstreamInitializer.http1Codec().handlers());
    channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
    channel.releaseOutbound();
    String head = "HTTP/1.1 200 OK\r\nContent-Length: " + BODY + "\r\n\r\n";

    channel.writeInbound(withBody(head));

    assertThat(bodyPieces(channel)).containsExactly(SocketBuffers.MAX_READ, 1000);
    channel.finishAndReleaseAll();
  }

  @Test
  void anHttp2StreamTakesAWholeReadBeforeItTurnsUnwritable() {
    RouteTable none = RouteTable.compile(new DataPlaneConfig(List.of(), List.of()));
    ProxyContext proxy = EmbeddedProxies.serving(none);
    EmbeddedChannel stream =
        new EmbeddedChannel(new Http2StreamInitializer(proxy, new ListenerKey("127.0.0.1", 1)));

    // Netty's default (64 KiB) would turn the stream unwritable on one read of its upstream.
    assertThat(stream.config().getWriteBufferHighWaterMark())
        .isGreaterThanOrEqualTo(
            SocketBuffers.MAX_READ + stream.config().getWriteBufferLowWaterMark());
    stream.finishAndReleaseAll();
  }

  private static ByteBuf withBody(String head) {
    ByteBuf read = Unpooled.buffer();
    read.writeCharSequence(head, StandardCharsets.US_ASCII);
    read.writeZero(BODY);
    return read;
  }

  /** The sizes of the body pieces decoded; the last must end the message. */
  private static List<Integer> bodyPieces(EmbeddedChannel channel) {
    List<Integer> sizes = new ArrayList<>();
    Object last = null;
    for (HttpObject message; (message = channel.readInbound()) != null; ) {
      assertThat(message.decoderResult().isSuccess()).isTrue();
      if (message instanceof HttpContent content) {
        sizes.add(content.content().readableBytes());
        last = content;
      }
      ReferenceCountUtil.release(message);
    }
    assertThat(last).isInstanceOf(LastHttpContent.class);
    return sizes;
  }
}
