package dev.archway.dataplane.proxy;

import io.netty.handler.codec.http.HttpContent;

/** One request and its response on a downstream connection (HTTP/1) or stream (HTTP/2). */
interface Exchange {
  /** The next piece of the request body; the exchange owns (and releases) it. */
  void onRequestContent(HttpContent content);

  /** Whether the request's last content has arrived. */
  boolean requestComplete();

  /** Whether the downstream should read more of the request now (backpressure). */
  boolean wantsRequestData();

  void onDownstreamWritabilityChanged();

  /**
   * The request body is malformed (the connection is unusable from here): give up on the upstream,
   * answer 400 if nothing was sent yet, and end the exchange with the connection closed.
   */
  void onRequestBroken();

  /** The client went away; release everything. */
  void onDownstreamClosed();
}
