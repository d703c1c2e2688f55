package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.RouteOptions;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * The response half of a {@link ProxyExchange}: relays what the current try's upstream answers to
 * the client, re-framed and filtered ({@link ProxyHeaders}). Interim answers are skipped; an answer
 * whose status is in the retry codes is read and dropped while a retry is still possible; a 101 to
 * a WebSocket request hands the exchange over to a tunnel.
 *
 * <p>Body chunks are written as they are decoded and flushed once the event loop has handled the
 * I/O at hand ({@link #flushLater}): one read of an HTTP/2 upstream can bring many frames, and a
 * read of an HTTP/1.1 upstream could bring several chunks (Netty's decoder cut bodies into 8 KiB
 * pieces before {@link SocketBuffers}); a flush per chunk cost one write system call each
 * (measured: ~129 per MiB streamed, against ~18 reads). A task on the event loop rather than the
 * upstream's read-complete event: flushing on that event stalled gRPC server streaming through an
 * HTTP/2 upstream ({@code GrpcIT}).
 */
final class ResponseRelay {
  private final ProxyExchange exchange;
  private final ChannelHandlerContext down;
  private final RouteOptions options;
  private final ClientTerms client;
  private final HttpHeaders corsHeaders;
  private boolean started;
  private boolean discarding;
  private boolean skippingInformational;
  private boolean upstreamKeepAlive = true;
  private boolean closeClient;
  private boolean flushScheduled;
  private boolean bodyExpected = true;

  /** The response's head, until its body's first piece or the end of the upstream's read. */
  private HttpResponse heldHead;

  private final Runnable flush = this::flushNow;

  /**
   * @param corsHeaders added to the response (CORS for an allowed origin), or null
   */
  ResponseRelay(
      ProxyExchange exchange,
      ChannelHandlerContext down,
      RouteOptions options,
      ClientTerms client,
      HttpHeaders corsHeaders) {
    this.exchange = exchange;
    this.down = down;
    this.options = options;
    this.client = client;
    this.corsHeaders = corsHeaders;
  }

  /** A new try: nothing of its response has arrived. */
  void newTry() {
    upstreamKeepAlive = true;
    discarding = false;
    skippingInformational = false;
  }

  /** Whether part of the response went to the client (then no retry is possible). */
  boolean started() {
    return started;
  }

  /** Whether a response to be retried is being read and dropped. */
  boolean discarding() {
    return discarding;
  }

  /** Whether the upstream said its connection may carry another request. */
  boolean upstreamKeepAlive() {
    return upstreamKeepAlive;
  }

  /** Whether the client connection ends with this exchange. */
  boolean closeClient() {
    return closeClient;
  }

  void closeClient(boolean close) {
    closeClient = close;
  }

  /** One message of the current try's response. */
  void onMessage(HttpObject message, UpstreamAttempts.Attempt attempt) {
    if (message.decoderResult().isFailure()) {
      ReferenceCountUtil.release(message);
      exchange.tryFailed(HttpResponseStatus.BAD_GATEWAY, "invalid response from upstream");
      return;
    }
    if (message instanceof HttpResponse response && onHead(response, attempt)) {
      return; // a whole response written at once, or a switch of protocols
    }
    if (message instanceof HttpContent content) {
      onContent(content);
    }
  }

  /** Returns true when the message was dealt with whole. */
  private boolean onHead(HttpResponse response, UpstreamAttempts.Attempt attempt) {
    int code = response.status().code();
    if (code == 101) {
      switchProtocols(response, attempt);
      return true;
    }
    if (code < 200) {
      // Interim answers (103 Early Hints...) are not relayed; 100 Continue was already given to
      // the client by HttpServerExpectContinueHandler.
      skippingInformational = true;
      return false;
    }
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    if (exchange.canRetry() && options.retry().codes().contains(code)) {
      discarding = true;
      return false;
    }
    exchange.responseStarting();
    started = true;
    bodyExpected = !client.headRequest() && code != 204 && code != 304;
    boolean lengthKnown =
        response.headers().contains(HttpHeaderNames.CONTENT_LENGTH) || !bodyExpected;
    // An HTTP/1.0 client cannot read chunks: a body of unknown length ends with the connection.
    // A drain that began while the request was under way closes the connection after it, so the
    // response says so (Connection: close) rather than leaving the client to find out.
    closeClient =
        !client.keepAlive() || exchange.draining() || (!lengthKnown && !client.chunkedAllowed());
    HttpResponse head =
        ProxyHeaders.downstreamResponse(
            response, attempt.filters(), !closeClient, client.chunkedAllowed(), bodyExpected);
    addCors(head);
    if (response instanceof FullHttpResponse full) {
      // A response that ended in the read of its head (Http1ClientCodec), or with its headers (an
      // HTTP/2 upstream; gRPC trailers-only must stay one message, so that HTTP/2 sends one
      // HEADERS frame with END_STREAM). The content changes hands; the rest of `full` is dropped.
      exchange.finish(endOfResponse(head, full));
      return true;
    }
    // Held: the body's first piece or its end follows, usually from the same read. A small
    // response's end then goes out with the head as one message (one pass down the client's
    // pipeline; for HTTP/1.1 one buffer, for HTTP/2 no empty DATA frame), a larger body's first
    // piece right after it, and both are flushed together (a flush task per response would be
    // one more task and pipeline walk per request). If the read ends first, the head goes alone
    // (onUpstreamReadComplete).
    heldHead = head;
    return false;
  }

  /** A 101: the exchange becomes a WebSocket tunnel, if that is what the client asked for. */
  private void switchProtocols(HttpResponse response, UpstreamAttempts.Attempt attempt) {
    ReferenceCountUtil.release(response);
    if (!client.upgrade() || !WebSocketUpgrade.accepted(response)) {
      exchange.tryFailed(HttpResponseStatus.BAD_GATEWAY, "unexpected 101 from upstream");
      return;
    }
    // A copy: the switch reads the upstream's own Upgrade header, which the filtering drops.
    HttpResponse filtered =
        ProxyHeaders.downstreamResponse(
            new DefaultHttpResponse(
                response.protocolVersion(), response.status(), response.headers().copy()),
            attempt.filters(),
            true,
            client.chunkedAllowed(),
            false);
    HttpResponse head = WebSocketUpgrade.switchingProtocols(filtered, response);
    addCors(head);
    exchange.upgrade(head);
  }

  private void onContent(HttpContent received) {
    HttpContent content = received;
    boolean last = content instanceof LastHttpContent;
    if (skippingInformational) {
      content.release();
      skippingInformational = !last;
      return;
    }
    if (discarding) {
      content.release();
      if (last) {
        exchange.retryAfterDiscarded();
      }
      return;
    }
    if (!bodyExpected && content.content().isReadable()) {
      // HEAD, 204 and 304 have no body (RFC 9110 9.3.2, 15.3.5, 15.4.5). An HTTP/1.1 upstream's
      // decoder never reads one, but an HTTP/2 upstream can send DATA anyway: it goes nowhere.
      content.release();
      if (!last) {
        return;
      }
      content = LastHttpContent.EMPTY_LAST_CONTENT;
    }
    HttpResponse head = heldHead;
    heldHead = null;
    if (last) {
      exchange.finish(endOfResponse(head, (LastHttpContent) content));
      return;
    }
    if (head != null) {
      down.write(head, down.voidPromise());
    }
    down.write(content, down.voidPromise());
    if (down.channel().isWritable()) {
      flushLater();
      return;
    }
    // Unflushed bytes count against the high-water mark too: flush now, and pause the upstream
    // only if the client still cannot take more. (The flush may drain everything and report the
    // channel writable again on the spot; pausing after that would never be undone.)
    down.flush();
    if (!down.channel().isWritable()) {
      exchange.pauseUpstream();
    }
  }

  /** The last message of the response: the body's end, with the head if that is still held. */
  private static HttpObject endOfResponse(HttpResponse head, LastHttpContent last) {
    if (head != null) {
      return WholeResponse.of(head, last);
    }
    return last instanceof HttpResponse
        ? new DefaultLastHttpContent(last.content(), last.trailingHeaders())
        : last;
  }

  /**
   * The upstream's read ended. A head whose body did not come with it goes out now: the body of an
   * event stream or a long poll may be minutes away, and the client is owed the head at once.
   */
  void onUpstreamReadComplete() {
    if (heldHead != null) {
      down.write(heldHead, down.voidPromise());
      heldHead = null;
      flushLater();
    }
  }

  /** Flushes what was written once the event loop is done with the reads at hand. */
  private void flushLater() {
    if (!flushScheduled) {
      flushScheduled = true;
      down.executor().execute(flush);
    }
  }

  private void flushNow() {
    flushScheduled = false;
    down.flush();
  }

  private void addCors(HttpResponse head) {
    if (corsHeaders != null) {
      head.headers().add(corsHeaders);
    }
  }
}
