package dev.archway.dataplane.proxy;

import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * An exchange the proxy answered itself (404, 5xx, redirect): the response is already written; the
 * rest of the request body is read and dropped so that the connection stays usable.
 */
final class LocalExchange implements Exchange {
  private final ProxyHandler handler;
  private final ChannelFuture written;
  private final boolean keepAlive;
  private boolean requestComplete;

  LocalExchange(ProxyHandler handler, ChannelFuture written, boolean keepAlive) {
    this.handler = handler;
    this.written = written;
    this.keepAlive = keepAlive;
  }

  @Override
  public void onRequestContent(HttpContent content) {
    content.release();
    if (content instanceof LastHttpContent && !requestComplete) {
      requestComplete = true;
      handler.exchangeDone(written, !keepAlive);
    }
  }

  /** For a request that had already ended when the answer was decided. */
  void requestAlreadyComplete() {
    requestComplete = true;
    handler.exchangeDone(written, !keepAlive);
  }

  @Override
  public void onRequestBroken() {
    if (!requestComplete) {
      requestComplete = true;
      handler.exchangeDone(written, true);
    }
  }

  @Override
  public boolean requestComplete() {
    return requestComplete;
  }

  @Override
  public boolean wantsRequestData() {
    return !requestComplete;
  }

  @Override
  public void onDownstreamWritabilityChanged() {}

  @Override
  public void onDownstreamClosed() {}
}
