package dev.archway.echo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The WebSocket echo at {@code /ws}, like the conformance echo server's: every text or binary
 * message comes back as it was sent. The handshake, ping/pong and the close handshake are Netty's
 * {@code WebSocketServerProtocolHandler}; fragmented messages are joined before they get here.
 */
final class WebSocketEchoHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
  /** The largest message echoed; also the largest frame accepted. */
  static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
      ctx.writeAndFlush(frame.retain());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
