package dev.archway.dataplane.udp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;

/**
 * The upstream socket of one UDP session: sends each reply to the session's client from the
 * listener's socket, and ends the session when {@code IdleStateHandler} reports it idle.
 */
final class UdpSessionHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private final Channel listener;
  private final InetSocketAddress client;

  UdpSessionHandler(Channel listener, InetSocketAddress client) {
    this.listener = listener;
    this.client = client;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket reply) {
    if (listener.isActive()) {
      listener.writeAndFlush(
          new DatagramPacket(reply.content().retain(), client), listener.voidPromise());
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // An ICMP port unreachable from the backend surfaces here; the session ends, the next
    // datagram from the client starts a new one.
    ctx.close();
  }
}
