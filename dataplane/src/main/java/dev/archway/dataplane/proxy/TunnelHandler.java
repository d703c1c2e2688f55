package dev.archway.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One end of a byte tunnel between two connections of one event loop (a WebSocket after its 101):
 * what this connection reads is written to the peer. This connection is read only while the peer
 * can take more (backpressure), and when either connection closes, the other is closed once what
 * was already written to it is flushed.
 */
final class TunnelHandler extends ChannelInboundHandlerAdapter {
  private final Channel peer;

  TunnelHandler(Channel peer) {
    this.peer = peer;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (!peer.isActive()) {
      ctx.close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      if (!peer.isActive()) {
        bytes.release();
        return;
      }
      peer.writeAndFlush(bytes, peer.voidPromise());
      if (!peer.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    // The empty end of the 101 may still come out of the HTTP decoder being removed.
    boolean emptyEnd = msg instanceof LastHttpContent last && !last.content().isReadable();
    ReferenceCountUtil.release(msg);
    if (!emptyEnd) {
      ctx.close();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    peer.config().setAutoRead(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (peer.isActive()) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // Drain and idle events: a tunnel ends with its peers (a drain closes it at its deadline).
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
