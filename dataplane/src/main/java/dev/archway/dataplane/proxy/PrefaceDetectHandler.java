package dev.archway.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tells HTTP/2 with prior knowledge from HTTP/1.1 by the first bytes of a connection, then replaces
 * itself with the matching pipeline (see {@link HttpListenerInitializer}).
 *
 * <p>No HTTP/1.1 request line starts like the HTTP/2 connection preface ({@code PRI *
 * HTTP/2.0\r\n\r\nSM\r\n\r\n}), so the decision is made at the first byte that differs, or once the
 * whole preface is in. The bytes read so far stay in the cumulation and are passed on when this
 * handler leaves the pipeline, so the chosen codec sees the connection from its first byte.
 */
final class PrefaceDetectHandler extends ByteToMessageDecoder {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpListenerInitializer initializer;

  PrefaceDetectHandler(HttpListenerInitializer initializer) {
    this.initializer = initializer;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.length);
    boolean http2 = true;
    for (int i = 0; i < n && http2; i++) {
      http2 = in.getByte(in.readerIndex() + i) == PREFACE[i];
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
