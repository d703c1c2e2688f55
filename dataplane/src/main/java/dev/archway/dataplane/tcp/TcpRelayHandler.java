package dev.archway.dataplane.tcp;

import dev.archway.dataplane.proxy.SocketBuffers;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The client side of a byte pipe: connects to the backend on the connection's own event loop (so
 * both channels run on one thread and no lock is needed), holds what the client sends until the
 * backend connection is up, then relays both ways.
 *
 * <p>Backpressure: when the backend cannot take more (its channel is not writable), reading from
 * the client stops until it can, and {@link BackendRelayHandler} does the same the other way. So a
 * slow side never makes the proxy buffer more than a write-buffer's worth.
 */
public final class TcpRelayHandler extends ChannelInboundHandlerAdapter {
  private final InetSocketAddress target;
  private final Class<? extends SocketChannel> channelClass;
  private final Duration connectTimeout;
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private Channel backend;
  private boolean started;

  /**
   * @param channelClass the socket class of the event loop's transport
   */
  public TcpRelayHandler(
      InetSocketAddress target,
      Class<? extends SocketChannel> channelClass,
      Duration connectTimeout) {
    this.target = target;
    this.channelClass = channelClass;
    this.connectTimeout = connectTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // Added after the ClientHello was read (passthrough): the connection is already active.
    if (ctx.channel().isActive()) {
      connect(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    connect(ctx);
    ctx.fireChannelActive();
  }

  private void connect(ChannelHandlerContext ctx) {
    if (started) {
      return;
    }
    started = true;
    Channel client = ctx.channel();
    client.config().setAutoRead(false);
    ChannelFuture connecting =
        SocketBuffers.on(new Bootstrap())
            .group(client.eventLoop())
            .channel(channelClass)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new BackendRelayHandler(client))
            .connect(target);
    connecting.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            // Nothing to tell the client in a byte stream: closing is the answer.
            releasePending();
            client.close();
            return;
          }
          if (!client.isActive()) {
            f.channel().close();
            return;
          }
          backend = f.channel();
          while (!pending.isEmpty()) {
            backend.write(pending.poll());
          }
          backend.flush();
          if (!Splice.start(client, backend)) {
            client.config().setAutoRead(backend.isWritable());
          }
        });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (backend == null) {
      pending.add(msg);
    } else {
      backend.write(msg, backend.voidPromise());
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (backend != null) {
      backend.flush();
      if (!backend.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (backend != null) {
      backend.config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releasePending();
    if (backend != null) {
      BackendRelayHandler.closeOnFlush(backend);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void releasePending() {
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
  }
}
