package dev.archway.dataplane.proxy;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link UpstreamPool} per event loop. A downstream connection only ever borrows from the pool
 * of its own event loop, so a request and its upstream connection run on the same thread and the
 * pools need no locks.
 */
public final class UpstreamPools {
  private final Transport transport;
  private final Duration connectTimeout;
  private final Duration idleTimeout;
  private final Map<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();
  private final OffLoopResolverGroup resolver = new OffLoopResolverGroup();

  public UpstreamPools(Transport transport, Duration connectTimeout, Duration idleTimeout) {
    this.transport = transport;
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
  }

  UpstreamPool forLoop(EventLoop loop) {
    return pools.computeIfAbsent(
        loop, l -> new UpstreamPool(l, transport, connectTimeout, idleTimeout, resolver));
  }

  /** Closes every idle connection; connections in use close with their exchange. */
  public void closeIdle() {
    pools.forEach((loop, pool) -> loop.execute(pool::closeIdle));
  }
}
