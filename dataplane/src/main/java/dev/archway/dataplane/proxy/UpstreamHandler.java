package dev.archway.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of an upstream connection's pipeline: hands response objects to the exchange that
 * currently uses the connection, and keeps an idle connection honest (anything it receives while
 * idle closes it; a long silence is {@link IdleUpstreams}'s to end).
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  /** The exchange using the connection. */
  interface Listener {
    void onUpstreamMessage(HttpObject message);

    /** A read of the connection ended: every message it brought has been handed over. */
    void onUpstreamReadComplete();

    void onUpstreamWritabilityChanged();

    void onUpstreamClosed();
  }

  private final UpstreamPool pool;
  private UpstreamPool.Key key;
  private Listener listener;
  private boolean reused;
  private long idleSince;

  UpstreamHandler(UpstreamPool pool) {
    this.pool = pool;
  }

  /**
   * The handler of an HTTP/1.1 upstream connection or an HTTP/2 upstream stream, or null. It ends
   * the pipeline, so it is found without walking it (three lookups a request).
   */
  static UpstreamHandler of(Channel channel) {
    return channel.pipeline().last() instanceof UpstreamHandler handler
        ? handler
        : channel.pipeline().get(UpstreamHandler.class);
  }

  /** Set for pooled HTTP/1.1 connections, so that a close while idle evicts them. */
  void key(UpstreamPool.Key key) {
    this.key = key;
  }

  /** Whether the connection served an exchange before the current one (it may have gone stale). */
  boolean reused() {
    return reused;
  }

  void reused(boolean reused) {
    this.reused = reused;
  }

  /** When the connection was last pooled, in {@link IdleUpstreams}'s sweeps. */
  long idleSince() {
    return idleSince;
  }

  void idleSince(long sweeps) {
    idleSince = sweeps;
  }

  /** Starts (listener) or ends (null) an exchange on this connection. */
  void listener(Listener listener) {
    this.listener = listener;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (listener != null && msg instanceof HttpObject http) {
      listener.onUpstreamMessage(http);
      return;
    }
    // A response nobody asked for: the connection is out of step, never reuse it.
    ReferenceCountUtil.release(msg);
    ctx.close();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onUpstreamReadComplete();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onUpstreamWritabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Listener current = listener;
    listener = null;
    if (current != null) {
      current.onUpstreamClosed();
    } else if (key != null) {
      pool.evict(ctx.channel(), key);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // channelInactive tells the exchange
  }
}
