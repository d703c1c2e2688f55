package dev.archway.dataplane.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The stream idle timeout of HTTP/2: a stream whose request is still open and on which nothing
 * moves in either direction for {@link EdgeLimits#requestBodyIdleTimeout()} is reset (CANCEL), so
 * that a client cannot hold a stream, its upstream connection and a slot of {@code
 * SETTINGS_MAX_CONCURRENT_STREAMS} by going silent; the connection's idle timer never fires while a
 * stream is open. Time paused for backpressure does not count. Once the request has ended, the
 * route's timeouts bound the response, as with HTTP/1 ({@link Http1TimeoutHandler}).
 */
final class Http2StreamIdleHandler extends ChannelDuplexHandler {
  private final long idleNanos;
  private ChannelHandlerContext ctx;
  private boolean requestComplete;
  private long lastActivity;
  private Future<?> timer;

  Http2StreamIdleHandler(EdgeLimits limits) {
    this.idleNanos = limits.requestBodyIdleTimeout().toNanos();
  }

  /**
   * The timer is armed by the first message read that leaves the request open, not here: Netty's
   * multiplex handler opens a stream's channel for the HEADERS frame that begins the stream and
   * hands that frame to it in the same turn of the event loop, so a stream always has a message
   * read at once. Most requests (a GET) end with that message and never need a timer; arming one
   * for each of them cost a scheduled task, its place in the event loop's queue and its removal.
   */
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    lastActivity = System.nanoTime();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    lastActivity = System.nanoTime();
    if (msg instanceof LastHttpContent) {
      requestComplete = true;
      cancel();
    } else if (timer == null) {
      schedule(idleNanos);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpContent) {
      lastActivity = System.nanoTime();
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  private void schedule(long nanos) {
    timer = ctx.executor().schedule(this::check, Math.max(nanos, 1), TimeUnit.NANOSECONDS);
  }

  private void check() {
    timer = null;
    if (requestComplete || !ctx.channel().isOpen()) {
      return;
    }
    if (!ctx.channel().config().isAutoRead()) {
      // Reading is paused for backpressure: the client is not the one stalling.
      lastActivity = System.nanoTime();
      schedule(idleNanos);
      return;
    }
    long left = lastActivity + idleNanos - System.nanoTime();
    if (left > 0) {
      schedule(left);
    } else {
      ctx.close(); // resets the stream; the connection and its other streams go on
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
