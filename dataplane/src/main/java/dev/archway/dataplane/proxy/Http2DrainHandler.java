package dev.archway.dataplane.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Drains an HTTP/2 connection on {@link DrainEvent}: closing through {@code Http2FrameCodec} sends
 * GOAWAY, lets open streams finish (up to the codec's graceful shutdown timeout), then closes. The
 * same happens when the connection has been idle ({@link EdgeLimits#idleTimeout()}) with no stream
 * open. It is also the end of the connection's pipeline.
 */
final class Http2DrainHandler extends ChannelInboundHandlerAdapter {
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof DrainEvent) {
      ctx.channel().close();
      return;
    }
    if (evt instanceof IdleStateEvent) {
      Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
      if (codec == null || codec.connection().numActiveStreams() == 0) {
        ctx.channel().close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  /** Connection-level frames the multiplexer passes on (GOAWAY, PING...) end here. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }
}
