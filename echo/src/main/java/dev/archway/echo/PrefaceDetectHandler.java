package dev.archway.echo;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tells HTTP/2 with prior knowledge from HTTP/1.1 by the first bytes of a connection, then replaces
 * itself with the right pipeline.
 *
 * <p>An HTTP/1.1 request line can never start with the HTTP/2 connection preface ({@code PRI *
 * HTTP/2.0}), so the decision is made at the first byte that differs, or once the whole preface has
 * arrived. The bytes read so far stay in the cumulation and are handed on when this handler leaves
 * the pipeline.
 */
final class PrefaceDetectHandler extends ByteToMessageDecoder {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final EchoInitializer initializer;

  PrefaceDetectHandler(EchoInitializer initializer) {
    this.initializer = initializer;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.length);
    boolean http2 = true;
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
        http2 = false;
        break;
      }
    }
    if (http2 && n < PREFACE.length) {
      return; // still a possible preface: wait for more bytes
    }
    if (http2) {
      initializer.configureHttp2(ctx.pipeline());
    } else {
      initializer.configureHttp1(ctx.pipeline());
    }
    ctx.pipeline().remove(this);
  }
}
