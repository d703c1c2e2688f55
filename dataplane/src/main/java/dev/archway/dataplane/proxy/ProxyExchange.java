package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.FilterChain;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One request forwarded to one upstream endpoint over a pooled HTTP/1.1 connection, with both
 * bodies streamed and never aggregated.
 *
 * <p>Backpressure runs both ways: the client is read only while the upstream connection is writable
 * ({@link #wantsRequestData}), and the upstream is read only while the client is writable. The
 * upstream connection lives on the downstream's event loop, so every callback here runs on one
 * thread and needs no synchronization.
 */
final class ProxyExchange implements Exchange, UpstreamHandler.Listener {
  /** How the response may be framed and whether the client connection survives it. */
  record ClientTerms(boolean keepAlive, boolean chunkedAllowed, boolean headRequest) {}

  private final ProxyHandler handler;
  private final ChannelHandlerContext down;
  private final UpstreamPool pool;
  private final InetSocketAddress endpoint;
  private final HttpRequest request;
  private final List<FilterChain> filters;
  private final ClientTerms client;
  private final List<HttpContent> pending = new ArrayList<>(2);
  private Channel upstream;
  private boolean requestComplete;
  private boolean responseStarted;
  private boolean upstreamKeepAlive = true;
  private boolean closeClient;
  private boolean skippingInformational;
  private boolean done;

  ProxyExchange(
      ProxyHandler handler,
      ChannelHandlerContext down,
      UpstreamPool pool,
      InetSocketAddress endpoint,
      HttpRequest request,
      List<FilterChain> filters,
      ClientTerms client) {
    this.handler = handler;
    this.down = down;
    this.pool = pool;
    this.endpoint = endpoint;
    this.request = request;
    this.filters = filters;
    this.client = client;
  }

  void start() {
    pool.acquire(endpoint).addListener(this::connected);
  }

  private void connected(Future<? super Channel> future) {
    if (done) {
      if (future.isSuccess()) {
        pool.release((Channel) future.getNow(), endpoint); // still clean: nothing was written
      }
      return;
    }
    if (!future.isSuccess()) {
      fail(
          HttpResponseStatus.BAD_GATEWAY, "upstream connect error: " + future.cause().getMessage());
      return;
    }
    upstream = (Channel) future.getNow();
    upstream.pipeline().get(UpstreamHandler.class).listener(this);
    upstream.config().setAutoRead(down.channel().isWritable());
    upstream.write(request, upstream.voidPromise());
    pending.forEach(c -> upstream.write(c, upstream.voidPromise()));
    pending.clear();
    upstream.flush();
    handler.updateRead();
  }

  @Override
  public void onRequestContent(HttpContent content) {
    if (content instanceof LastHttpContent) {
      requestComplete = true;
    }
    if (done) {
      content.release();
    } else if (upstream == null) {
      pending.add(content);
    } else {
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
    // The upstream saw part of a request: that connection can never be reused.
    upstreamBroke(HttpResponseStatus.BAD_REQUEST, "malformed request body");
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
      upstreamBroke("invalid response from upstream");
      return;
    }
    if (message instanceof HttpResponse response) {
      onResponseHead(response);
    }
    if (message instanceof HttpContent content) {
      onResponseContent(content);
    }
  }

  private void onResponseHead(HttpResponse response) {
    int code = response.status().code();
    if (code < 200 && code != 101) {
      // Interim answers (103 Early Hints...) are not relayed; 100 Continue was already given to
      // the client by HttpServerExpectContinueHandler.
      skippingInformational = true;
      return;
    }
    responseStarted = true;
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    boolean bodyExpected = !client.headRequest() && code != 204 && code != 304;
    boolean lengthKnown =
        response.headers().contains(HttpHeaderNames.CONTENT_LENGTH) || !bodyExpected;
    // An HTTP/1.0 client cannot read chunks: a body of unknown length ends with the connection.
    closeClient = !client.keepAlive() || (!lengthKnown && !client.chunkedAllowed());
    down.write(
        ProxyHeaders.downstreamResponse(
            response, filters, !closeClient, client.chunkedAllowed(), bodyExpected),
        down.voidPromise());
  }

  private void onResponseContent(HttpContent content) {
    if (skippingInformational) {
      content.release();
      skippingInformational = !(content instanceof LastHttpContent);
      return;
    }
    if (content instanceof LastHttpContent) {
      finish(down.writeAndFlush(content));
      return;
    }
    down.writeAndFlush(content, down.voidPromise());
    if (!down.channel().isWritable()) {
      upstream.config().setAutoRead(false);
    }
  }

  private void finish(ChannelFuture lastWrite) {
    done = true;
    // The connection can carry another request only if both messages ended cleanly.
    detachUpstream(upstreamKeepAlive && requestComplete);
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
    upstream = null;
    upstreamBroke("upstream connection closed");
  }

  private void upstreamBroke(String why) {
    upstreamBroke(HttpResponseStatus.BAD_GATEWAY, why);
  }

  private void upstreamBroke(HttpResponseStatus status, String why) {
    if (responseStarted) {
      // Part of the response is already out: the only honest signal left is to cut the client.
      done = true;
      detachUpstream(false);
      handler.abort();
    } else {
      fail(status, why);
    }
  }

  private void fail(HttpResponseStatus status, String why) {
    done = true;
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
    if (done) {
      return;
    }
    done = true;
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
    detachUpstream(false);
  }

  private void detachUpstream(boolean reuse) {
    if (upstream == null) {
      return;
    }
    UpstreamHandler handler = upstream.pipeline().get(UpstreamHandler.class);
    if (handler != null) {
      handler.listener(null);
    }
    if (reuse) {
      pool.release(upstream, endpoint);
    } else {
      upstream.close();
    }
    upstream = null;
  }
}
