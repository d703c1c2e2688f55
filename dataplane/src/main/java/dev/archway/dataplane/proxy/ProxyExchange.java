package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.RouteOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request forwarded upstream, with both bodies streamed and never aggregated, over tries
 * ({@link UpstreamAttempts}) bounded by the route's timeouts and retry policy.
 *
 * <p>Backpressure runs both ways: the client is read only while the upstream channel is writable
 * ({@link #wantsRequestData}), and the upstream is read only while the client is writable. The
 * upstream channel lives on the downstream's event loop, so every callback here runs on one thread.
 *
 * <p>Retries (HTTPRouteRetry) and the one silent retry of a stale pooled connection happen only for
 * requests without a body, once the request is complete: a streamed body is not kept, so it cannot
 * be sent again. A response whose status is in the retry codes is read and dropped before the next
 * try; a response already started towards the client is never retried. {@code timeouts.request}
 * covers the whole exchange, {@code timeouts.backendRequest} each try: either answers 504 while
 * nothing was sent to the client, and cuts the connection otherwise.
 */
final class ProxyExchange implements Exchange, UpstreamHandler.Listener {
  /**
   * How the response may be framed and whether the client connection survives it.
   *
   * @param upgrade whether the client asked for WebSocket ({@link WebSocketUpgrade}): the request
   *     goes on a fresh HTTP/1.1 connection that is never pooled, and a 101 turns the exchange into
   *     a tunnel
   */
  record ClientTerms(
      boolean keepAlive, boolean chunkedAllowed, boolean headRequest, boolean upgrade) {}

  private final ProxyHandler handler;
  private final ChannelHandlerContext down;
  private final UpstreamPool pool;
  private final UpstreamAttempts attempts;
  private final RouteOptions options;
  private final ClientTerms client;
  private final HttpHeaders corsHeaders;
  private final boolean bodiless;
  private final boolean idempotent;
  private final List<MirrorExchange> mirrors;
  private final List<HttpContent> pending = new ArrayList<>(2);
  private UpstreamAttempts.Attempt attempt;
  private UpstreamPool.Key key;
  private Channel upstream;
  private boolean upstreamReused;
  private int tries;
  private int retriesLeft;
  private boolean staleRetried;
  private boolean endWritten;
  private boolean requestComplete;
  private boolean responseStarted;
  private boolean discardingResponse;
  private boolean upstreamKeepAlive = true;
  private boolean closeClient;
  private boolean skippingInformational;
  private boolean done;
  private ScheduledFuture<?> requestTimer;
  private ScheduledFuture<?> tryTimer;

  ProxyExchange(
      ProxyHandler handler,
      ChannelHandlerContext down,
      UpstreamPool pool,
      UpstreamAttempts attempts,
      UpstreamAttempts.Attempt first,
      RouteOptions options,
      ClientTerms client,
      HttpHeaders corsHeaders,
      boolean bodiless,
      boolean idempotent,
      List<MirrorExchange> mirrors) {
    this.handler = handler;
    this.down = down;
    this.pool = pool;
    this.attempts = attempts;
    this.attempt = first;
    this.options = options;
    this.client = client;
    this.corsHeaders = corsHeaders;
    this.bodiless = bodiless;
    this.idempotent = idempotent;
    this.mirrors = mirrors;
    this.retriesLeft = options.retry() == null ? 0 : options.retry().attempts();
  }

  void start() {
    if (options.requestTimeoutMillis() > 0) {
      requestTimer =
          down.executor()
              .schedule(
                  this::requestTimedOut, options.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
    }
    startTry(false);
  }

  private void startTry(boolean fresh) {
    int thisTry = ++tries;
    key = UpstreamPool.key(attempt.upstream(), attempt.endpoint(), client.upgrade());
    endWritten = false;
    upstreamKeepAlive = true;
    discardingResponse = false;
    skippingInformational = false;
    if (options.backendTimeoutMillis() > 0) {
      cancel(tryTimer);
      tryTimer =
          down.executor()
              .schedule(
                  () -> tryTimedOut(thisTry),
                  options.backendTimeoutMillis(),
                  TimeUnit.MILLISECONDS);
    }
    UpstreamPool.Key tryKey = key;
    pool.acquire(tryKey, fresh || client.upgrade()).addListener(f -> connected(f, thisTry, tryKey));
  }

  private void connected(Future<? super Channel> future, int thisTry, UpstreamPool.Key tryKey) {
    if (done || thisTry != tries) {
      if (future.isSuccess()) {
        pool.release((Channel) future.getNow(), tryKey); // still clean: nothing was written
      }
      return;
    }
    if (!future.isSuccess()) {
      tryFailed(
          HttpResponseStatus.BAD_GATEWAY, "upstream connect error: " + future.cause().getMessage());
      return;
    }
    upstream = (Channel) future.getNow();
    UpstreamHandler upstreamHandler = upstream.pipeline().get(UpstreamHandler.class);
    upstreamHandler.listener(this);
    upstreamReused = upstreamHandler.reused();
    upstream.config().setAutoRead(down.channel().isWritable());
    upstream.write(attempt.request(), upstream.voidPromise());
    if (bodiless) {
      if (requestComplete) {
        endWritten = true;
        upstream.write(LastHttpContent.EMPTY_LAST_CONTENT, upstream.voidPromise());
      }
    } else {
      for (HttpContent c : pending) {
        endWritten |= c instanceof LastHttpContent;
        upstream.write(c, upstream.voidPromise());
      }
      pending.clear();
    }
    upstream.flush();
    handler.updateRead();
  }

  @Override
  public void onRequestContent(HttpContent content) {
    for (MirrorExchange mirror : mirrors) {
      mirror.onRequestContent(content.retainedDuplicate());
    }
    boolean last = content instanceof LastHttpContent;
    requestComplete |= last;
    if (done) {
      content.release();
    } else if (bodiless) {
      // Nothing to keep: a try sends the end of the request itself, so a retry can send it again.
      content.release();
      if (last && upstream != null && !endWritten) {
        endWritten = true;
        upstream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, upstream.voidPromise());
      }
    } else if (upstream == null) {
      pending.add(content);
    } else {
      endWritten |= last;
      upstream.writeAndFlush(content, upstream.voidPromise());
    }
  }

  @Override
  public void onRequestBroken() {
    if (done) {
      return;
    }
    requestComplete = true;
    closeClient = true;
    mirrors.forEach(MirrorExchange::abandon);
    // The upstream saw part of a request: that connection can never be reused.
    if (responseStarted) {
      abort();
    } else {
      fail(HttpResponseStatus.BAD_REQUEST, "malformed request body");
    }
  }

  @Override
  public boolean requestComplete() {
    return requestComplete;
  }

  @Override
  public boolean wantsRequestData() {
    return !requestComplete && !done && upstream != null && upstream.isWritable();
  }

  @Override
  public void onUpstreamMessage(HttpObject message) {
    if (done) {
      ReferenceCountUtil.release(message);
      return;
    }
    if (message.decoderResult().isFailure()) {
      ReferenceCountUtil.release(message);
      tryFailed(HttpResponseStatus.BAD_GATEWAY, "invalid response from upstream");
      return;
    }
    if (message instanceof HttpResponse response) {
      if (onResponseHead(response)) {
        return; // a whole response written at once
      }
    }
    if (message instanceof HttpContent content) {
      onResponseContent(content);
    }
  }

  /** Returns true when the message was a complete response that is already dealt with. */
  private boolean onResponseHead(HttpResponse response) {
    int code = response.status().code();
    if (code == 101) {
      switchProtocols(response);
      return true;
    }
    if (code < 200) {
      // Interim answers (103 Early Hints...) are not relayed; 100 Continue was already given to
      // the client by HttpServerExpectContinueHandler.
      skippingInformational = true;
      return false;
    }
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    if (canRetry() && options.retry().codes().contains(code)) {
      discardingResponse = true;
      return false;
    }
    cancel(tryTimer);
    responseStarted = true;
    boolean bodyExpected = !client.headRequest() && code != 204 && code != 304;
    boolean lengthKnown =
        response.headers().contains(io.netty.handler.codec.http.HttpHeaderNames.CONTENT_LENGTH)
            || !bodyExpected;
    // An HTTP/1.0 client cannot read chunks: a body of unknown length ends with the connection.
    closeClient = !client.keepAlive() || (!lengthKnown && !client.chunkedAllowed());
    HttpResponse head =
        ProxyHeaders.downstreamResponse(
            response, attempt.filters(), !closeClient, client.chunkedAllowed(), bodyExpected);
    if (corsHeaders != null) {
      head.headers().add(corsHeaders);
    }
    if (response instanceof FullHttpResponse full) {
      // A response that ended with its headers (gRPC trailers-only): it must stay one message, so
      // that HTTP/2 sends one HEADERS frame with END_STREAM.
      FullHttpResponse whole =
          new io.netty.handler.codec.http.DefaultFullHttpResponse(
              head.protocolVersion(),
              head.status(),
              full.content().retain(),
              head.headers(),
              full.trailingHeaders());
      full.release();
      finish(down.writeAndFlush(whole));
      return true;
    }
    down.write(head, down.voidPromise());
    return false;
  }

  /** A 101: the exchange becomes a WebSocket tunnel, if that is what the client asked for. */
  private void switchProtocols(HttpResponse response) {
    ReferenceCountUtil.release(response);
    if (!client.upgrade() || !requestComplete || !WebSocketUpgrade.accepted(response)) {
      tryFailed(HttpResponseStatus.BAD_GATEWAY, "unexpected 101 from upstream");
      return;
    }
    done = true;
    cancelTimers();
    HttpResponse filtered =
        ProxyHeaders.downstreamResponse(
            response, attempt.filters(), true, client.chunkedAllowed(), false);
    HttpResponse head = WebSocketUpgrade.switchingProtocols(filtered, response);
    if (corsHeaders != null) {
      head.headers().add(corsHeaders);
    }
    Channel tunnel = upstream;
    upstream = null;
    tunnel.pipeline().get(UpstreamHandler.class).listener(null);
    handler.upgraded(head, tunnel);
  }

  private void onResponseContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (skippingInformational) {
      content.release();
      skippingInformational = !last;
      return;
    }
    if (discardingResponse) {
      content.release();
      if (last) {
        detachUpstream(upstreamKeepAlive && endWritten && !client.upgrade());
        retry();
      }
      return;
    }
    if (last) {
      HttpContent out =
          content instanceof HttpResponse
              ? new DefaultLastHttpContent(
                  content.content(), ((LastHttpContent) content).trailingHeaders())
              : content;
      finish(down.writeAndFlush(out));
      return;
    }
    down.writeAndFlush(content, down.voidPromise());
    if (!down.channel().isWritable()) {
      upstream.config().setAutoRead(false);
    }
  }

  private void finish(ChannelFuture lastWrite) {
    done = true;
    cancelTimers();
    // The connection can carry another request only if both messages ended cleanly, and was not
    // opened for an upgrade (whose request still says Connection: upgrade).
    detachUpstream(upstreamKeepAlive && endWritten && !client.upgrade());
    handler.exchangeDone(lastWrite, closeClient || !requestComplete);
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
    boolean stale = upstreamReused;
    upstream = null;
    if (stale
        && !responseStarted
        && !discardingResponse
        && !staleRetried
        && replayable()
        && idempotent) {
      // A pooled keep-alive connection the server had closed: one more go on a fresh one.
      staleRetried = true;
      startTry(true);
      return;
    }
    tryFailed(HttpResponseStatus.BAD_GATEWAY, "upstream connection closed");
  }

  private boolean replayable() {
    return bodiless && requestComplete;
  }

  private boolean canRetry() {
    return retriesLeft > 0 && replayable() && !responseStarted && !done;
  }

  /** A try failed before its response reached the client. */
  private void tryFailed(HttpResponseStatus status, String why) {
    if (responseStarted) {
      abort();
    } else if (canRetry()) {
      detachUpstream(false);
      retry();
    } else {
      fail(status, why);
    }
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
    if (backoff > 0) {
      down.executor()
          .schedule(
              () -> {
                if (!done && tries == scheduledFor) {
                  startTry(false);
                }
              },
              backoff,
              TimeUnit.MILLISECONDS);
    } else {
      startTry(false);
    }
  }

  private void tryTimedOut(int thisTry) {
    if (done || thisTry != tries) {
      return;
    }
    if (responseStarted) {
      abort();
      return;
    }
    detachUpstream(false);
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
    if (responseStarted) {
      abort();
    } else {
      fail(HttpResponseStatus.GATEWAY_TIMEOUT, "request timeout");
    }
  }

  /** Part of the response is already out: the only honest signal left is to cut the client. */
  private void abort() {
    done = true;
    cancelTimers();
    detachUpstream(false);
    handler.abort();
  }

  private void fail(HttpResponseStatus status, String why) {
    done = true;
    cancelTimers();
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
    detachUpstream(false);
    handler.respondLocally(status, why, requestComplete);
  }

  @Override
  public void onDownstreamWritabilityChanged() {
    if (upstream != null && !done) {
      upstream.config().setAutoRead(down.channel().isWritable());
    }
  }

  @Override
  public void onDownstreamClosed() {
    mirrors.forEach(MirrorExchange::abandonIfIncomplete);
    if (done) {
      return;
    }
    done = true;
    cancelTimers();
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
    detachUpstream(false);
  }

  private void cancelTimers() {
    cancel(requestTimer);
    cancel(tryTimer);
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private void detachUpstream(boolean reuse) {
    if (upstream == null) {
      return;
    }
    UpstreamHandler h = upstream.pipeline().get(UpstreamHandler.class);
    if (h != null) {
      h.listener(null);
      h.reused(false);
    }
    if (reuse) {
      pool.release(upstream, key);
    } else {
      upstream.close();
    }
    upstream = null;
  }
}
