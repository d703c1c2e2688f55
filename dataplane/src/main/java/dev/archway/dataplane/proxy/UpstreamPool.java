package dev.archway.dataplane.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keep-alive HTTP/1.1 connections to upstream endpoints, for one event loop. Every method runs on
 * that loop. The most recently used connection is handed out first (it is the least likely to have
 * been closed by the server's idle timeout).
 */
final class UpstreamPool {
  private static final int MAX_IDLE_PER_ENDPOINT = 128;

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Map<InetSocketAddress, ArrayDeque<Channel>> idle = new HashMap<>();

  UpstreamPool(EventLoop loop, Transport transport, Duration connectTimeout, Duration idleTimeout) {
    this.loop = loop;
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(transport.socketChannel())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new UpstreamInitializer(this, idleTimeout));
  }

  /** An idle connection to {@code endpoint}, or a new one; the future completes on this loop. */
  Future<Channel> acquire(InetSocketAddress endpoint) {
    ArrayDeque<Channel> channels = idle.get(endpoint);
    while (channels != null && !channels.isEmpty()) {
      Channel channel = channels.pollLast();
      if (channel.isActive()) {
        return loop.newSucceededFuture(channel);
      }
    }
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture connect = bootstrap.connect(endpoint);
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            connect.channel().pipeline().get(UpstreamHandler.class).endpoint(endpoint);
            promise.setSuccess(connect.channel());
          } else {
            promise.setFailure(f.cause());
          }
        });
    return promise;
  }

  /** Returns a connection whose exchange finished cleanly, or closes it if there are enough. */
  void release(Channel channel, InetSocketAddress endpoint) {
    if (!channel.isActive()) {
      return;
    }
    ArrayDeque<Channel> channels = idle.computeIfAbsent(endpoint, e -> new ArrayDeque<>());
    if (channels.size() >= MAX_IDLE_PER_ENDPOINT) {
      channel.close();
      return;
    }
    channel.config().setAutoRead(true); // notice a close by the server while idle
    channels.addLast(channel);
  }

  /** Forgets an idle connection that closed. */
  void evict(Channel channel, InetSocketAddress endpoint) {
    ArrayDeque<Channel> channels = idle.get(endpoint);
    if (channels != null) {
      channels.remove(channel);
      if (channels.isEmpty()) {
        idle.remove(endpoint);
      }
    }
  }

  void closeIdle() {
    List<Channel> all = new ArrayList<>();
    idle.values().forEach(all::addAll);
    idle.clear();
    all.forEach(Channel::close);
  }
}
