package dev.archway.dataplane.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The backend side of a byte pipe started by {@link TcpRelayHandler}: relays what the backend sends
 * to the client, and stops reading from the client while the backend cannot keep up.
 */
final class BackendRelayHandler extends ChannelInboundHandlerAdapter {
  private final Channel client;

  BackendRelayHandler(Channel client) {
    this.client = client;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    client.write(msg, client.voidPromise());
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    client.flush();
    if (!client.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    client.config().setAutoRead(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeOnFlush(client);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Closes once what was already written has gone out, so no reply is cut short. */
  static void closeOnFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
