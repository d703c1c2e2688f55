package dev.archway.dataplane.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The client-side deadlines of an HTTP/1.1 connection (see {@link EdgeLimits}):
 *
 * <ul>
 *   <li>idle: no request open, no byte of a new one ({@link EdgeLimits#idleTimeout()});
 *   <li>head: from the read that brings part of a request head but not its end until the head is
 *       complete, so a client that trickles headers (slowloris) cannot hold the connection ({@link
 *       EdgeLimits#requestHeadersTimeout()});
 *   <li>body: the request body stalls while the proxy wants to read it ({@link
 *       EdgeLimits#requestBodyIdleTimeout()}); not counted while reading is paused for
 *       backpressure.
 * </ul>
 *
 * While a request is complete and its response is under way, no client deadline runs: route
 * timeouts bound that. The connection simply closes when a deadline passes. One timer task per
 * connection is kept; it re-arms itself when the deadline moved, so state changes cost no
 * scheduling.
 */
final class Http1TimeoutHandler extends ChannelDuplexHandler {
  private enum Phase {
    IDLE,
    HEAD,
    BODY,
    RESPONSE
  }

  private final long idleNanos;
  private final long headNanos;
  private final long bodyNanos;
  private ChannelHandlerContext ctx;
  private Phase phase = Phase.IDLE;
  private boolean requestComplete;
  private long deadline;
  private Future<?> timer;

  Http1TimeoutHandler(EdgeLimits limits) {
    this.idleNanos = limits.idleTimeout().toNanos();
    this.headNanos = limits.requestHeadersTimeout().toNanos();
    this.bodyNanos = limits.requestBodyIdleTimeout().toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    enter(Phase.IDLE, idleNanos);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == Http1ServerCodec.HEAD_STARTED) {
      if (phase == Phase.IDLE) {
        enter(Phase.HEAD, headNanos);
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    boolean waiting = phase == Phase.IDLE || phase == Phase.HEAD;
    if (msg instanceof HttpRequest) {
      requestComplete = false;
      if (waiting && !(msg instanceof LastHttpContent)) {
        enter(Phase.BODY, bodyNanos);
      }
    }
    if (msg instanceof HttpContent) {
      if (msg instanceof LastHttpContent) {
        requestComplete = true;
        // A request without a body comes as one message (Http1ServerCodec): no body deadline.
        if (phase == Phase.BODY || (waiting && msg instanceof HttpRequest)) {
          phase = Phase.RESPONSE;
        }
      } else if (phase == Phase.BODY) {
        deadline = System.nanoTime() + bodyNanos;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent
        && !(msg instanceof HttpResponse response && response.status().code() < 200)) {
      // The response is complete; the next request may start (pipelined bytes restart HEAD).
      if (requestComplete) {
        enter(Phase.IDLE, idleNanos);
      } else if (phase != Phase.BODY) {
        enter(Phase.BODY, bodyNanos);
      }
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  private void enter(Phase next, long nanos) {
    phase = next;
    deadline = System.nanoTime() + nanos;
    if (timer == null && ctx.channel().isOpen()) {
      schedule(nanos);
    }
  }

  private void schedule(long nanos) {
    timer = ctx.executor().schedule(this::check, Math.max(nanos, 1), TimeUnit.NANOSECONDS);
  }

  private void check() {
    timer = null;
    if (!ctx.channel().isOpen()) {
      return;
    }
    long left = deadline - System.nanoTime();
    boolean paused = phase == Phase.BODY && !ctx.channel().config().isAutoRead();
    if (phase == Phase.RESPONSE || paused) {
      // No client deadline now; look again later in case the phase changes.
      if (paused) {
        deadline = System.nanoTime() + bodyNanos;
      }
      schedule(Math.min(idleNanos, Math.max(headNanos, bodyNanos)));
    } else if (left > 0) {
      schedule(left);
    } else {
      ctx.close();
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
