package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.CompiledRoute;
import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.routing.ListenerRoutes;
import dev.archway.dataplane.routing.RequestTarget;
import dev.archway.dataplane.routing.RouteRequest;
import dev.archway.dataplane.tls.TlsSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The downstream end of the proxy: routes each request and runs it as an {@link Exchange}, either
 * forwarded ({@link ProxyExchange}) or answered here ({@link LocalExchange}).
 *
 * <p>One instance serves one HTTP/1.1 connection or one HTTP/2 stream (behind {@code
 * Http2StreamFrameToHttpObjectCodec}, a stream looks like a one-request HTTP/1 channel). HTTP/1.1
 * requests are served one at a time: a pipelined request waits in {@link #queued} until the one
 * before it is answered, and reading stops meanwhile. The route table is read once per request, so
 * a request finishes on the table it started with even if a new one is swapped in.
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter {
  private final ProxyContext proxy;
  private final ListenerKey listener;
  private final boolean http2;
  private final ArrayDeque<Object> queued = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Exchange current;
  private boolean keepAlive;
  private boolean grpc;
  private boolean draining;
  private boolean closing;
  private String clientIp; // the peer's address as text, made once per connection

  ProxyHandler(ProxyContext proxy, ListenerKey listener, boolean http2) {
    this.proxy = proxy;
    this.listener = listener;
    this.http2 = http2;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
    } else if (!queued.isEmpty() || (current != null && current.requestComplete())) {
      queued.add(msg);
    } else {
      dispatch(msg);
    }
    updateRead();
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest request) {
      startExchange(request);
    }
    if (msg instanceof HttpContent content
        && !(msg instanceof HttpRequest)
        && content.decoderResult().isFailure()) {
      // A malformed body (a bad chunk size...): the decoder discards the rest of the connection.
      content.release();
      requestBroken();
      return;
    }
    if (msg instanceof HttpContent content) {
      // A FullHttpRequest (an HTTP/1.1 request without a body, an HTTP/2 stream that ended with its
      // headers) is passed on as plain content: the head already went into the exchange, and the
      // upstream encoder must not see a second request head.
      HttpContent body = msg instanceof HttpRequest ? contentOnly(content) : content;
      if (current == null || current.requestComplete()) {
        body.release();
      } else {
        current.onRequestContent(body);
      }
    } else if (!(msg instanceof HttpRequest)) {
      ReferenceCountUtil.release(msg);
    }
  }

  private static HttpContent contentOnly(HttpContent full) {
    if (full instanceof LastHttpContent last) {
      if (!last.content().isReadable() && last.trailingHeaders().isEmpty()) {
        // A request without a body (most requests): nothing to carry but its end.
        last.release();
        return LastHttpContent.EMPTY_LAST_CONTENT;
      }
      return new DefaultLastHttpContent(last.content(), last.trailingHeaders());
    }
    return new DefaultHttpContent(full.content());
  }

  private void startExchange(HttpRequest request) {
    keepAlive = !draining && (http2 || HttpUtil.isKeepAlive(request));
    grpc = isGrpc(request);
    if (request.decoderResult().isFailure()) {
      keepAlive = false;
      if (Http1ServerCodec.statusFor(request.decoderResult()) == 0) {
        closing = true;
        ctx.close();
        return;
      }
      respondLocally(
          HttpResponseStatus.valueOf(Http1ServerCodec.statusFor(request.decoderResult())),
          "malformed request",
          true); // the decoder reads nothing more from this connection
      return;
    }
    if (http2 && request.headers().size() > proxy.limits().maxHeaderCount()) {
      respondLocally(
          HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many header fields", false);
      return;
    }
    RequestTarget target;
    try {
      target = RequestTarget.parse(request.uri());
    } catch (IllegalArgumentException e) {
      respondLocally(HttpResponseStatus.BAD_REQUEST, "invalid request path", false);
      return;
    }
    ListenerRoutes routes = proxy.routeTable().get().listener(listener);
    RouteRequest routing =
        new RouteRequest(
            request.headers().get(HttpHeaderNames.HOST),
            target,
            request.method().name(),
            request.headers()::getAll);
    TlsSession tls = TlsSession.of(ctx.channel());
    if (tls != null && routes != null && tls.misdirected(routes.virtualHostName(routing.host()))) {
      // GatewayHTTPSListenerDetectMisdirectedRequests: the Host belongs to another listener of
      // this port than the one whose certificate the SNI chose (RFC 9110 §15.5.20).
      respondLocally(HttpResponseStatus.MISDIRECTED_REQUEST, "misdirected request", false);
      return;
    }
    CompiledRoute route = routes == null ? null : routes.route(routing);
    if (route == null) {
      // A gRPC call that matches nothing is UNIMPLEMENTED, not 404 (GRPCRoute).
      respondLocally(HttpResponseStatus.NOT_FOUND, "no route matched", false);
      return;
    }
    grpc |= route.options().grpc();
    RouteServing.serve(
        this,
        ctx,
        proxy,
        listener.port(),
        new RouteServing.Matched(request, target, routing, route, keepAlive, grpc, http2));
  }

  private static boolean isGrpc(HttpRequest request) {
    String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
    return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16);
  }

  /** The client's IP address as X-Forwarded-For gives it. */
  String clientIp() {
    if (clientIp == null) {
      clientIp = Forwarding.clientIp(ctx.channel());
    }
    return clientIp;
  }

  /** Starts a forwarded exchange for the current request. */
  void forwarding(ProxyExchange exchange) {
    current = exchange;
    exchange.start();
  }

  /** Answers the current request with a response made here (a redirect, a CORS preflight). */
  void answer(FullHttpResponse response) {
    start(new LocalExchange(this, ctx.writeAndFlush(response), keepAlive), false);
  }

  /** Answers the current request here, and drops whatever is left of its body. */
  void respondLocally(HttpResponseStatus status, String message, boolean requestComplete) {
    FullHttpResponse response =
        grpc
            ? LocalResponses.grpc(status, message, http2)
            : LocalResponses.text(ctx.alloc(), status, message, false);
    ProxyHeaders.markClose(response, keepAlive);
    start(new LocalExchange(this, ctx.writeAndFlush(response), keepAlive), requestComplete);
  }

  private void start(LocalExchange exchange, boolean requestComplete) {
    current = exchange;
    if (requestComplete) {
      exchange.requestAlreadyComplete();
    }
  }

  /** Whether a drain began: the connection closes after the current exchange. */
  boolean draining() {
    return draining;
  }

  /**
   * Writes the last message of a forwarded exchange's response. Its future is a real one only when
   * the connection closes after it (a listener then closes it): a kept-alive connection needs none,
   * and a promise per response is one more object to make and complete. Nor does an HTTP/2 stream
   * whose request has ended: the frame codec closes a stream once both sides have sent their end,
   * and the stream's channel with it, after the end is written (as the listener would).
   */
  ChannelFuture writeLast(Object last, boolean close) {
    return closesAfter(close)
        ? ctx.writeAndFlush(last)
        : ctx.writeAndFlush(last, ctx.voidPromise());
  }

  /**
   * Whether the connection closes once the current exchange is over. An HTTP/2 stream is over once
   * its one exchange is: when its request has not ended, {@code close} is set and closing resets
   * it; when it has, the codec closes it (see {@link #writeLast}).
   */
  private boolean closesAfter(boolean close) {
    return close || draining || !ctx.channel().isActive();
  }

  /** Called by the exchange once its response is written and its request fully read. */
  void exchangeDone(ChannelFuture lastWrite, boolean close) {
    current = null;
    if (closesAfter(close)) {
      closing = true;
      releaseQueued();
      if (lastWrite.isVoid()) {
        // The connection went away while the last write was made (writeLast decided before).
        ctx.close();
      } else {
        lastWrite.addListener(ChannelFutureListener.CLOSE);
      }
      return;
    }
    while (!queued.isEmpty() && (current == null || !current.requestComplete())) {
      dispatch(queued.poll());
    }
    updateRead();
  }

  /**
   * The upstream accepted a WebSocket upgrade: the 101 goes to the client and this connection
   * becomes one end of a tunnel ({@link WebSocketUpgrade#join}); this handler leaves the pipeline.
   */
  void upgraded(HttpResponse head, Channel upstream) {
    current = null;
    if (!queued.isEmpty() || closing || !ctx.channel().isActive()) {
      // The client sent more before the 101, which RFC 6455 §4.1 forbids: nothing to relay it as.
      upstream.close();
      abort();
      return;
    }
    ctx.write(head, ctx.voidPromise());
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
    WebSocketUpgrade.join(ctx, upstream);
  }

  /** The request body turned out malformed: answer 400 if still possible, and close. */
  private void requestBroken() {
    keepAlive = false;
    if (current == null || current.requestComplete()) {
      closing = true;
      releaseQueued();
      ctx.close();
    } else {
      current.onRequestBroken();
    }
  }

  /** The response broke off halfway: closing is the only way to tell the client. */
  void abort() {
    current = null;
    closing = true;
    releaseQueued();
    ctx.close();
  }

  /**
   * Reads from the client while nothing waits in {@link #queued} and the current exchange can take
   * more of its body (backpressure). Once a request has ended, reading goes on: the next bytes are
   * the next request (queued, which then stops reading) or the client's close (which aborts the
   * exchange, as nginx does). Stopping and restarting reads around every bodiless request cost two
   * {@code epoll_ctl} system calls per request (measured with strace, a third of the proxy's socket
   * system calls under keep-alive load). An HTTP/2 stream keeps the stricter rule: it carries no
   * next request, and pausing a stream costs no system call.
   */
  void updateRead() {
    boolean want =
        !closing
            && queued.isEmpty()
            && (current == null
                || current.wantsRequestData()
                || (!http2 && current.requestComplete()));
    AutoRead.set(ctx.channel(), want);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.onDownstreamWritabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof DrainEvent) {
      draining = true;
      if (current == null) {
        closing = true;
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    releaseQueued();
    if (current != null) {
      Exchange exchange = current;
      current = null;
      exchange.onDownstreamClosed();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (http2 && (cause instanceof Http2Exception || cause instanceof Http2FrameStreamException)) {
      // The frame codec resets the stream itself with the right error code (STREAM_CLOSED,
      // PROTOCOL_ERROR...); closing here first would reset it with CANCEL instead.
      return;
    }
    ctx.close();
  }

  private void releaseQueued() {
    queued.forEach(ReferenceCountUtil::release);
    queued.clear();
  }
}
