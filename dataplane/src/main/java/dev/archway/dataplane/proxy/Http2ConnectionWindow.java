package dev.archway.dataplane.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;

/**
 * Grows the receive window of a client's HTTP/2 connection from the protocol's 65,535 bytes to
 * {@link #BYTES} as soon as it is added after the frame codec; then it leaves the pipeline.
 *
 * <p>The streams of a connection share its window: at 65,535 bytes, all of a connection's uploads
 * together could move at most 64 KiB per round trip. Each stream stays at 64 KiB, so a stalled
 * reader still holds at most that much in the proxy per stream and {@link #BYTES} per connection:
 * Envoy's edge recommendation, and Envoy Gateway's defaults for client connections. (Upstream
 * connections need no such handler: their streams' window is 1 MiB, {@link
 * UpstreamInitializer#STREAM_WINDOW_BYTES}, and Netty's codec grows the connection's to about twice
 * that.)
 */
final class Http2ConnectionWindow extends ChannelInboundHandlerAdapter {
  /** The connection's receive window. */
  static final int BYTES = 1024 * 1024;

  /**
   * The HTTP/2 pipeline is set up once the first bytes have told the protocol, so the connection is
   * active and the codec added just before has sent its preface.
   */
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // Without a stream, Netty's frame codec applies this to the connection's window.
    ctx.writeAndFlush(
        new DefaultHttp2WindowUpdateFrame(BYTES - Http2CodecUtil.DEFAULT_WINDOW_SIZE),
        ctx.voidPromise());
    ctx.pipeline().remove(this);
  }
}
