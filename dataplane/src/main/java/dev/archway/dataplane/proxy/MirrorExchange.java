package dev.archway.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy of a request sent to a RequestMirror destination, fire-and-forget: its response is read
 * and dropped, and it never slows or fails the real request. The body is teed as it streams: up to
 * {@link #MAX_PENDING_BYTES} wait while the mirror connects; after that, whenever the mirror's
 * connection is not writable, the mirror gives up (closing its connection) instead of buffering or
 * pushing back on the client.
 */
final class MirrorExchange implements UpstreamHandler.Listener {
  static final int MAX_PENDING_BYTES = 64 * 1024;

  private final UpstreamPool pool;
  private final UpstreamPool.Key key;
  private final HttpRequest request;
  private final List<HttpContent> pending = new ArrayList<>(2);
  private long pendingBytes;
  private Channel upstream;
  private boolean requestComplete;
  private boolean abandoned;

  MirrorExchange(UpstreamPool pool, UpstreamPool.Key key, HttpRequest request) {
    this.pool = pool;
    this.key = key;
    this.request = request;
  }

  void start() {
    pool.acquire(key, false).addListener(this::connected);
  }

  private void connected(Future<? super Channel> future) {
    if (!future.isSuccess()) {
      abandon();
      return;
    }
    Channel channel = (Channel) future.getNow();
    if (abandoned) {
      pool.release(channel, key);
      return;
    }
    upstream = channel;
    UpstreamHandler.of(upstream).listener(this);
    upstream.write(request, upstream.voidPromise());
    pending.forEach(c -> upstream.write(c, upstream.voidPromise()));
    pending.clear();
    upstream.flush();
  }

  /** The next piece of the request body; this mirror owns (and releases) it. */
  void onRequestContent(HttpContent content) {
    requestComplete |= content instanceof LastHttpContent;
    if (abandoned) {
      content.release();
    } else if (upstream == null) {
      pendingBytes += content.content().readableBytes();
      pending.add(content);
      if (pendingBytes > MAX_PENDING_BYTES) {
        abandon();
      }
    } else if (!upstream.isWritable()) {
      content.release();
      abandon();
    } else {
      upstream.writeAndFlush(content, upstream.voidPromise());
    }
  }

  /** The client went away: a copy whose request is incomplete can never complete. */
  void abandonIfIncomplete() {
    if (!requestComplete) {
      abandon();
    }
  }

  void abandon() {
    if (abandoned) {
      return;
    }
    abandoned = true;
    pending.forEach(ReferenceCountUtil::release);
    pending.clear();
    if (upstream != null) {
      UpstreamHandler.of(upstream).listener(null);
      upstream.close();
      upstream = null;
    }
  }

  @Override
  public void onUpstreamReadComplete() {
    // A mirror's response goes nowhere: nothing to flush.
  }

  @Override
  public void onUpstreamMessage(HttpObject message) {
    boolean last = message instanceof LastHttpContent;
    ReferenceCountUtil.release(message);
    if (last && upstream != null) {
      UpstreamHandler.of(upstream).listener(null);
      if (requestComplete && !abandoned) {
        pool.release(upstream, key);
      } else {
        upstream.close();
      }
      upstream = null;
      abandoned = true;
    }
  }

  @Override
  public void onUpstreamWritabilityChanged() {}

  @Override
  public void onUpstreamClosed() {
    upstream = null;
    abandon();
  }
}
