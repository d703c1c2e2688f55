package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.RouteOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.List;

/**
 * One request forwarded upstream, with both bodies streamed and never aggregated, over tries
 * ({@link UpstreamAttempts}) bounded by the route's timeouts ({@link ExchangeTimers}) and retry
 * policy. The request side is a {@link RequestForwarder}, the response side a {@link
 * ResponseRelay}; this class owns the tries and the upstream channel.
 *
 * <p>Backpressure runs both ways: the client is read only while the upstream channel is writable
 * ({@link #wantsRequestData}), and the upstream is read only while the client is writable. The
 * upstream channel lives on the downstream's event loop, so every callback here runs on one thread.
 *
 * <p>Retries (HTTPRouteRetry) and the one silent retry of a stale pooled connection happen only for
 * requests without a body, once the request is complete: a streamed body is not kept, so it cannot
 * be sent again. A response already started towards the client is never retried. {@code
 * timeouts.request} covers the whole exchange, {@code timeouts.backendRequest} each try: either
 * answers 504 while nothing was sent to the client, and cuts the connection otherwise.
 */
final class ProxyExchange implements Exchange, UpstreamHandler.Listener {
  private final ProxyHandler handler;
  private final ChannelHandlerContext down;
  private final UpstreamAttempts attempts;
  private final RouteOptions options;
  private final ClientTerms client;
  private final boolean idempotent;
  private final List<MirrorExchange> mirrors;
  private final RequestForwarder request;
  private final ResponseRelay response;
  private final ExchangeTimers timers;
  private UpstreamAttempts.Attempt attempt;
  private final UpstreamLease upstream;
  private int tries;
  private int retriesLeft;
  private boolean staleRetried;
  private boolean done;

  ProxyExchange(
      ProxyHandler handler,
      ChannelHandlerContext down,
      UpstreamPool pool,
      UpstreamAttempts attempts,
      UpstreamAttempts.Attempt first,
      RouteOptions options,
      ClientTerms client,
      HttpHeaders corsHeaders,
      RequestForwarder request,
      boolean idempotent,
      List<MirrorExchange> mirrors) {
    this.handler = handler;
    this.down = down;
    this.upstream = new UpstreamLease(pool, client.upgrade());
    this.attempts = attempts;
    this.attempt = first;
    this.options = options;
    this.client = client;
    this.idempotent = idempotent;
    this.mirrors = mirrors;
    this.request = request;
    this.response = new ResponseRelay(this, down, options, client, corsHeaders);
    this.timers = new ExchangeTimers(down.executor());
    this.retriesLeft = options.retry() == null ? 0 : options.retry().attempts();
  }

  void start() {
    timers.startRequest(options.requestTimeoutMillis(), this::requestTimedOut);
    startTry(false);
  }

  private void startTry(boolean fresh) {
    int thisTry = ++tries;
    response.newTry();
    timers.startTry(options.backendTimeoutMillis(), () -> tryTimedOut(thisTry));
    Future<Channel> acquired = upstream.acquire(attempt, fresh);
    UpstreamPool.Key tryKey = upstream.key();
    if (acquired.isDone()) {
      // A pooled connection, at hand: no listener to make and call (the common case).
      connected(acquired, thisTry, tryKey);
    } else {
      acquired.addListener(f -> connected(f, thisTry, tryKey));
    }
  }

  private void connected(Future<? super Channel> future, int thisTry, UpstreamPool.Key tryKey) {
    if (done || thisTry != tries) {
      if (future.isSuccess()) {
        upstream.giveBack((Channel) future.getNow(), tryKey);
      }
      return;
    }
    if (!future.isSuccess()) {
      tryFailed(
          HttpResponseStatus.BAD_GATEWAY, "upstream connect error: " + future.cause().getMessage());
      return;
    }
    Channel channel = (Channel) future.getNow();
    upstream.attach(channel, this);
    AutoRead.set(channel, down.channel().isWritable());
    request.send(channel, attempt.request());
    handler.updateRead();
  }

  @Override
  public void onRequestContent(HttpContent content) {
    for (MirrorExchange mirror : mirrors) {
      mirror.onRequestContent(content.retainedDuplicate());
    }
    request.onContent(content, upstream.channel(), done);
  }

  @Override
  public void onRequestBroken() {
    if (done) {
      return;
    }
    request.markComplete();
    response.closeClient(true);
    mirrors.forEach(MirrorExchange::abandon);
    // The upstream saw part of a request: that connection can never be reused.
    if (response.started()) {
      abort();
    } else {
      fail(HttpResponseStatus.BAD_REQUEST, "malformed request body");
    }
  }

  @Override
  public boolean requestComplete() {
    return request.complete();
  }

  @Override
  public boolean wantsRequestData() {
    Channel channel = upstream.channel();
    return !request.complete() && !done && channel != null && channel.isWritable();
  }

  @Override
  public void onUpstreamMessage(HttpObject message) {
    if (done) {
      ReferenceCountUtil.release(message);
      return;
    }
    response.onMessage(message, attempt);
  }

  @Override
  public void onUpstreamReadComplete() {
    if (!done) {
      response.onUpstreamReadComplete();
    }
  }

  /** Whether the client connection is draining: it closes once this exchange is over. */
  boolean draining() {
    return handler.draining();
  }

  /** The response is about to reach the client: the try's deadline no longer applies. */
  void responseStarting() {
    timers.cancelTry();
  }

  /** The client connection cannot take more: stop reading the upstream until it can. */
  void pauseUpstream() {
    upstream.channel().config().setAutoRead(false);
  }

  /** The upstream accepted a WebSocket upgrade: {@code head} (101) goes to the client. */
  void upgrade(HttpResponse head) {
    if (!request.complete()) {
      tryFailed(HttpResponseStatus.BAD_GATEWAY, "101 before the request ended");
      return;
    }
    done = true;
    timers.cancelAll();
    handler.upgraded(head, upstream.handOver());
  }

  /** Writes the response's last message to the client and ends the exchange. */
  void finish(HttpObject last) {
    boolean close = response.closeClient() || !request.complete();
    ChannelFuture written = handler.writeLast(last, close);
    done = true;
    timers.cancelAll();
    upstream.detach(reusable());
    handler.exchangeDone(written, close);
  }

  /**
   * The connection can carry another request only if both messages ended cleanly, and was not
   * opened for an upgrade (whose request still says Connection: upgrade).
   */
  private boolean reusable() {
    return response.upstreamKeepAlive() && request.endWritten() && !client.upgrade();
  }

  @Override
  public void onUpstreamWritabilityChanged() {
    handler.updateRead();
  }

  @Override
  public void onUpstreamClosed() {
    if (done) {
      return;
    }
    boolean stale = upstream.reused();
    upstream.lost();
    if (stale
        && !response.started()
        && !response.discarding()
        && !staleRetried
        && request.replayable()
        && idempotent) {
      // A pooled keep-alive connection the server had closed: one more go on a fresh one.
      staleRetried = true;
      startTry(true);
      return;
    }
    tryFailed(HttpResponseStatus.BAD_GATEWAY, "upstream connection closed");
  }

  boolean canRetry() {
    return retriesLeft > 0 && request.replayable() && !response.started() && !done;
  }

  /** A try failed before its response reached the client. */
  void tryFailed(HttpResponseStatus status, String why) {
    if (response.started()) {
      abort();
    } else if (canRetry()) {
      upstream.detach(false);
      retry();
    } else {
      fail(status, why);
    }
  }

  /** A response with a retry code has been read to its end. */
  void retryAfterDiscarded() {
    upstream.detach(reusable());
    retry();
  }

  private void retry() {
    retriesLeft--;
    UpstreamAttempts.Attempt next = attempts.next();
    if (next == null) {
      fail(HttpResponseStatus.BAD_GATEWAY, "no backend to retry with");
      return;
    }
    attempt = next;
    long backoff = options.retry() == null ? 0 : options.retry().backoffMillis();
    int scheduledFor = tries;
    timers.later(
        backoff,
        () -> {
          if (!done && tries == scheduledFor) {
            startTry(false);
          }
        });
  }

  private void tryTimedOut(int thisTry) {
    if (done || thisTry != tries) {
      return;
    }
    if (response.started()) {
      abort();
      return;
    }
    upstream.detach(false);
    if (canRetry()) {
      retry();
    } else {
      fail(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream request timeout");
    }
  }

  private void requestTimedOut() {
    if (done) {
      return;
    }
    if (response.started()) {
      abort();
    } else {
      fail(HttpResponseStatus.GATEWAY_TIMEOUT, "request timeout");
    }
  }

  /** Part of the response is already out: the only honest signal left is to cut the client. */
  private void abort() {
    done = true;
    timers.cancelAll();
    upstream.detach(false);
    handler.abort();
  }

  private void fail(HttpResponseStatus status, String why) {
    done = true;
    timers.cancelAll();
    request.releasePending();
    upstream.detach(false);
    handler.respondLocally(status, why, request.complete());
  }

  @Override
  public void onDownstreamWritabilityChanged() {
    Channel channel = upstream.channel();
    if (channel != null && !done) {
      AutoRead.set(channel, down.channel().isWritable());
    }
  }

  @Override
  public void onDownstreamClosed() {
    mirrors.forEach(MirrorExchange::abandonIfIncomplete);
    if (done) {
      return;
    }
    done = true;
    timers.cancelAll();
    request.releasePending();
    upstream.detach(false);
  }
}
