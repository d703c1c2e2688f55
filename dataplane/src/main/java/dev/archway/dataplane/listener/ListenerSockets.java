package dev.archway.dataplane.listener;

import dev.archway.dataplane.proxy.DrainEvent;
import dev.archway.dataplane.proxy.ProxyContext;
import dev.archway.dataplane.proxy.SocketBuffers;
import dev.archway.dataplane.proxy.Transport;
import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.udp.UdpProxyHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The listening sockets: one per TCP address and port, one per UDP address and port. {@link
 * #update} binds what a new table adds and closes what it removes; a port that stays keeps its
 * socket, whatever it serves now. Not thread-safe: the data plane calls it under its own lock.
 */
public final class ListenerSockets {
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

  /** A listening socket and the connections it accepted (none for UDP). */
  private record Bound(ChannelFuture future, ChannelGroup connections) {
    Channel channel() {
      return future.channel();
    }
  }

  private final EventLoopGroup workers;
  private final Transport transport;
  private final Supplier<FrontendTable> table;
  private final ProxyContext proxy;
  private final Duration connectTimeout;
  private final Duration drainTimeout;
  private final Duration udpIdleTimeout;
  private final Map<ListenerKey, Bound> tcp = new LinkedHashMap<>();
  private final Map<ListenerKey, Bound> udp = new LinkedHashMap<>();

  /**
   * @param table the current table; each accepted connection reads it once
   * @param udpIdleTimeout how long a UDP session lives without traffic
   */
  public ListenerSockets(
      EventLoopGroup workers,
      Transport transport,
      Supplier<FrontendTable> table,
      ProxyContext proxy,
      Duration connectTimeout,
      Duration drainTimeout,
      Duration udpIdleTimeout) {
    this.workers = workers;
    this.transport = transport;
    this.table = table;
    this.proxy = proxy;
    this.connectTimeout = connectTimeout;
    this.drainTimeout = drainTimeout;
    this.udpIdleTimeout = udpIdleTimeout;
  }

  /**
   * Binds the ports {@code next} adds and drains those it drops; blocks until binds finish.
   *
   * @return why a listener of {@code next} could not bind, by IR listener name
   */
  public Map<String, String> update(FrontendTable next) {
    Map<FrontendTable.Entry, Bound> binding = new LinkedHashMap<>();
    for (FrontendTable.Entry entry : next.entries()) {
      if (!(entry.udp() ? udp : tcp).containsKey(entry.key())) {
        ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ChannelFuture future =
            entry.udp() ? bindUdp(entry.key()) : bindTcp(entry.key(), connections);
        binding.put(entry, new Bound(future, connections));
      }
    }
    Map<String, String> errors = new HashMap<>();
    binding.forEach(
        (entry, bound) -> {
          String error = await(bound.future());
          if (error == null) {
            (entry.udp() ? udp : tcp).put(entry.key(), bound);
          } else {
            errors.put(
                entry.name(), "bind " + entry.key() + (entry.udp() ? "/udp" : "") + ": " + error);
          }
        });
    for (ListenerKey key : new ArrayList<>(tcp.keySet())) {
      if (next.tcp(key) == null) {
        drain(tcp.remove(key));
      }
    }
    for (ListenerKey key : new ArrayList<>(udp.keySet())) {
      if (next.udp(key) == null) {
        udp.remove(key).channel().close().awaitUninterruptibly();
      }
    }
    return errors;
  }

  /** Whether the listener's socket is bound. */
  public boolean isBound(FrontendTable.Entry entry) {
    return (entry.udp() ? udp : tcp).containsKey(entry.key());
  }

  /** The listening socket of a listener, or null. */
  public Channel channel(FrontendTable.Entry entry) {
    Bound b = (entry.udp() ? udp : tcp).get(entry.key());
    return b == null ? null : b.channel();
  }

  private ChannelFuture bindTcp(ListenerKey key, ChannelGroup connections) {
    return SocketBuffers.onAccepted(new ServerBootstrap())
        .group(workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new PortInitializer(
                key, table, proxy, connections, transport.socketChannel(), connectTimeout))
        .bind(new InetSocketAddress(key.bindAddress(), key.port()));
  }

  private ChannelFuture bindUdp(ListenerKey key) {
    Class<? extends DatagramChannel> datagram = datagramChannel();
    return new Bootstrap()
        .group(workers)
        .channel(datagram)
        .handler(
            new UdpProxyHandler(
                () -> {
                  var frontend = table.get().udp(key);
                  return frontend == null ? null : frontend.route();
                },
                datagram,
                udpIdleTimeout))
        .bind(new InetSocketAddress(key.bindAddress(), key.port()));
  }

  private Class<? extends DatagramChannel> datagramChannel() {
    // Channels must match the event loops' transport.
    return transport.name().equals("epoll") ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  private static String await(ChannelFuture future) {
    if (!future.awaitUninterruptibly(BIND_TIMEOUT.toMillis())) {
      future.channel().close();
      return "timed out";
    }
    return future.isSuccess() ? null : future.cause().getMessage();
  }

  /** Stops accepting, lets open connections finish what they are doing, then closes them. */
  private void drain(Bound listener) {
    listener.channel().close().awaitUninterruptibly();
    listener.connections().forEach(c -> c.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
    workers
        .next()
        .schedule(
            () -> listener.connections().close(), drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Closes every socket: stops accepting, lets in-flight requests finish for up to the drain
   * timeout, then closes what is left.
   */
  public void close() {
    List<Bound> listeners = new ArrayList<>(tcp.values());
    tcp.clear();
    udp.values().forEach(b -> b.channel().close().awaitUninterruptibly());
    udp.clear();
    for (Bound listener : listeners) {
      listener.channel().close().awaitUninterruptibly();
      listener.connections().forEach(c -> c.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
    }
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    for (Bound listener : listeners) {
      for (Channel connection : listener.connections()) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || !connection.closeFuture().awaitUninterruptibly(left)) {
          connection.close();
        }
      }
    }
  }
}
