package dev.archway.dataplane.udp;

import dev.archway.dataplane.tcp.L4Route;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs on a UDP listener's socket. Each client address gets a session: an upstream socket connected
 * to one backend endpoint (so the kernel filters out datagrams from anyone else), picked when the
 * session's first datagram arrives. Replies that arrive on it are sent to that client from the
 * listener's socket, so the client sees answers come from the address it wrote to.
 *
 * <p>Upstream sockets run on the listener's event loop, so the session map needs no lock. Datagrams
 * are never queued beyond what a socket buffers: UDP may drop, and so may the proxy.
 */
public final class UdpProxyHandler extends SimpleChannelInboundHandler<DatagramPacket> {
  private final Supplier<L4Route> route;
  private final Class<? extends DatagramChannel> channelClass;
  private final Duration idleTimeout;
  private final Map<InetSocketAddress, ChannelFuture> sessions = new HashMap<>();
  private long opened;

  /**
   * @param route the current backends, read when a session starts (null: drop)
   * @param channelClass the datagram socket class of the event loop's transport
   * @param idleTimeout a session without traffic either way for this long ends
   */
  public UdpProxyHandler(
      Supplier<L4Route> route,
      Class<? extends DatagramChannel> channelClass,
      Duration idleTimeout) {
    this.route = route;
    this.channelClass = channelClass;
    this.idleTimeout = idleTimeout;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    InetSocketAddress client = packet.sender();
    ChannelFuture session = sessions.get(client);
    if (session == null) {
      L4Route current = route.get();
      InetSocketAddress target = current == null ? null : current.pick();
      if (target == null) {
        return; // no backend for this share: the datagram is dropped
      }
      session = open(ctx.channel(), client, target);
      sessions.put(client, session);
      opened++;
    }
    ByteBuf payload = packet.content().retain();
    if (session.isDone()) {
      send(session, payload);
    } else {
      // Listeners run in the order they were added, so datagrams keep their order.
      ChannelFuture s = session;
      session.addListener(f -> send(s, payload));
    }
  }

  private static void send(ChannelFuture session, ByteBuf payload) {
    if (session.isSuccess() && session.channel().isActive()) {
      session.channel().writeAndFlush(payload, session.channel().voidPromise());
    } else {
      payload.release();
    }
  }

  private ChannelFuture open(Channel listener, InetSocketAddress client, InetSocketAddress target) {
    ChannelFuture connecting =
        new Bootstrap()
            .group(listener.eventLoop())
            .channel(channelClass)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new IdleStateHandler(
                                0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
                    ch.pipeline().addLast(new UdpSessionHandler(listener, client));
                  }
                })
            .connect(target);
    connecting.channel().closeFuture().addListener(f -> sessions.remove(client, connecting));
    return connecting;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The listener closed: its sessions have nowhere to send replies.
    for (ChannelFuture session : new ArrayList<>(sessions.values())) {
      session.channel().close();
    }
    sessions.clear();
    ctx.fireChannelInactive();
  }

  /** Open sessions; for tests, on the listener's event loop. */
  int sessions() {
    return sessions.size();
  }

  /** Sessions started so far; for tests, on the listener's event loop. */
  long opened() {
    return opened;
  }
}
