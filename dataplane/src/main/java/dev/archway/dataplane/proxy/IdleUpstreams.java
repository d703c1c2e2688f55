package dev.archway.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The idle HTTP/1.1 upstream connections of one event loop's {@link UpstreamPool}, per key, and
 * their idle timeout; every method runs on that loop.
 *
 * <p>The timeout is kept by a sweep that runs every quarter of it while any connection is idle, and
 * closes those that have been idle for at least the timeout (at most a quarter more). A connection
 * in use needs nothing: an exchange's own deadlines bound it. Netty's {@code IdleStateHandler} on
 * each connection did the same at a cost on every request: a clock read per read and per write, and
 * every write's void promise turned into a real one with a listener (docs/benchmarks.md, <i>The
 * upstream idle timeout kept by the pool</i>). Here a release costs a counter's copy.
 */
final class IdleUpstreams {
  /** Sweeps per idle timeout. */
  private static final int SWEEPS_PER_TIMEOUT = 4;

  private final EventLoop loop;
  private final long sweepNanos;
  private final int maxPerKey;
  private final Map<UpstreamPool.Key, ArrayDeque<Channel>> idle = new HashMap<>();

  /** Sweeps done so far: the clock a release is stamped with. */
  private long sweeps;

  private boolean sweepScheduled;

  IdleUpstreams(EventLoop loop, Duration timeout, int maxPerKey) {
    this.loop = loop;
    this.sweepNanos = Math.max(timeout.toNanos() / SWEEPS_PER_TIMEOUT, 1);
    this.maxPerKey = maxPerKey;
  }

  /** The most recently released open connection for {@code key}, or null. */
  Channel poll(UpstreamPool.Key key) {
    ArrayDeque<Channel> channels = idle.get(key);
    while (channels != null && !channels.isEmpty()) {
      Channel channel = channels.pollLast();
      if (channel.isActive()) {
        return channel;
      }
    }
    return null;
  }

  /** Keeps {@code channel} for reuse; false when {@code key} already has as many as allowed. */
  boolean offer(UpstreamPool.Key key, Channel channel) {
    ArrayDeque<Channel> channels = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (channels.size() >= maxPerKey) {
      return false;
    }
    // Released between sweep `sweeps` and the next one: idle for a full timeout once
    // SWEEPS_PER_TIMEOUT more sweeps have passed after that next one.
    UpstreamHandler.of(channel).idleSince(sweeps);
    channels.addLast(channel);
    if (!sweepScheduled) {
      sweepScheduled = true;
      loop.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
    }
    return true;
  }

  /** Forgets a connection that closed while idle. */
  void remove(UpstreamPool.Key key, Channel channel) {
    ArrayDeque<Channel> channels = idle.get(key);
    if (channels != null) {
      channels.remove(channel);
      if (channels.isEmpty()) {
        idle.remove(key);
      }
    }
  }

  /** Closes every idle connection. */
  void closeAll() {
    List<Channel> all = new ArrayList<>();
    idle.values().forEach(all::addAll);
    idle.clear();
    all.forEach(Channel::close);
  }

  private void sweep() {
    sweeps++;
    List<Channel> expired = new ArrayList<>();
    for (Iterator<ArrayDeque<Channel>> it = idle.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Channel> channels = it.next();
      // Released last at the tail and reused from there: the head holds the longest idle.
      while (!channels.isEmpty() && expired(channels.peekFirst())) {
        expired.add(channels.pollFirst());
      }
      if (channels.isEmpty()) {
        it.remove();
      }
    }
    // Closed after the walk: a close tells the pool (remove), which edits these deques.
    expired.forEach(Channel::close);
    sweepScheduled = !idle.isEmpty();
    if (sweepScheduled) {
      loop.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Whether {@code channel} has been idle for the timeout. One that closed without being removed
   * counts as expired, so that nothing stale can stop the sweep.
   */
  private boolean expired(Channel channel) {
    UpstreamHandler handler = channel.isOpen() ? UpstreamHandler.of(channel) : null;
    return handler == null || sweeps - handler.idleSince() > SWEEPS_PER_TIMEOUT;
  }
}
