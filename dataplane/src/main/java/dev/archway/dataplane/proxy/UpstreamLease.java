package dev.archway.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;

/**
 * The upstream channel of a {@link ProxyExchange}'s current try, borrowed from the pool of its
 * event loop: asked for, attached to the exchange when it comes, and at the end of the try given
 * back to the pool (both messages ended cleanly), closed, or handed over to a WebSocket tunnel.
 */
final class UpstreamLease {
  private final UpstreamPool pool;
  private final boolean upgrade;
  private UpstreamPool.Key key;
  private Channel channel;
  private boolean reused;

  /**
   * @param upgrade whether the request is a WebSocket upgrade: every try then gets a fresh HTTP/1.1
   *     connection that never returns to the pool
   */
  UpstreamLease(UpstreamPool pool, boolean upgrade) {
    this.pool = pool;
    this.upgrade = upgrade;
  }

  /** Asks for a channel for a try ({@code fresh}: not an idle pooled one). */
  Future<Channel> acquire(UpstreamAttempts.Attempt attempt, boolean fresh) {
    key = UpstreamPool.key(attempt.upstream(), attempt.endpoint(), upgrade);
    return pool.acquire(key, fresh || upgrade);
  }

  /** The key of the latest {@link #acquire}. */
  UpstreamPool.Key key() {
    return key;
  }

  /** A channel that came for a try given up meanwhile: nothing was written, so it is reusable. */
  void giveBack(Channel unused, UpstreamPool.Key itsKey) {
    pool.release(unused, itsKey);
  }

  /** The try's channel came: its responses go to {@code listener} from now on. */
  void attach(Channel arrived, UpstreamHandler.Listener listener) {
    channel = arrived;
    UpstreamHandler handler = UpstreamHandler.of(channel);
    handler.listener(listener);
    reused = handler.reused();
  }

  /** The current try's channel, or null while connecting or after it ended. */
  Channel channel() {
    return channel;
  }

  /** Whether the channel served an exchange before this one (it may have gone stale). */
  boolean reused() {
    return reused;
  }

  /** The channel closed by itself. */
  void lost() {
    channel = null;
  }

  /** Hands the channel over (to a tunnel): it no longer reports to the exchange. */
  Channel handOver() {
    Channel out = channel;
    channel = null;
    UpstreamHandler.of(out).listener(null);
    return out;
  }

  /** Ends the try's use of the channel: back to the pool when {@code reuse}, closed otherwise. */
  void detach(boolean reuse) {
    if (channel == null) {
      return;
    }
    UpstreamHandler h = UpstreamHandler.of(channel);
    if (h != null) {
      h.listener(null);
      h.reused(false);
    }
    if (reuse) {
      pool.release(channel, key);
    } else {
      channel.close();
    }
    channel = null;
  }
}
