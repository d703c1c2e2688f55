package dev.archway.dataplane;

import dev.archway.dataplane.proxy.DrainEvent;
import dev.archway.dataplane.proxy.HttpListenerInitializer;
import dev.archway.dataplane.proxy.ProxyContext;
import dev.archway.dataplane.proxy.Transport;
import dev.archway.dataplane.proxy.UpstreamPools;
import dev.archway.dataplane.routing.InvalidConfigException;
import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.routing.ListenerRoutes;
import dev.archway.dataplane.routing.RouteTable;
import dev.archway.ir.DataPlaneConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The data plane: serves the latest applied {@link DataPlaneConfig} on its HTTP listeners.
 *
 * <pre>{@code
 * DataPlane dataPlane = DataPlane.start(DataPlaneOptions.defaults());
 * ApplyResult result = dataPlane.apply(config);   // throws InvalidConfigException when rejected
 * ...
 * dataPlane.close();                              // drains in-flight requests first
 * }</pre>
 *
 * <p>{@link #apply} compiles the whole configuration first; a configuration that does not compile
 * changes nothing. Otherwise the new {@link RouteTable} replaces the old one behind a single
 * reference (each request reads it once), new ports are bound, ports that are no longer configured
 * are closed after draining, and ports that remain keep their listening socket untouched.
 */
public final class DataPlane implements AutoCloseable {
  private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

  /** Carries a listener's connection group from {@link #bind} to its server channel. */
  private static final AttributeKey<ChannelGroup> CONNECTIONS =
      AttributeKey.valueOf("archway.connections");

  private final DataPlaneOptions options;
  private final Transport transport;
  private final EventLoopGroup workers;
  private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.EMPTY);
  private final UpstreamPools upstreams;
  private final ProxyContext proxy;
  private final Map<ListenerKey, BoundListener> bound = new LinkedHashMap<>();
  private boolean closed;
  private volatile boolean draining;

  /** A listening socket and the connections it accepted. */
  private record BoundListener(Channel serverChannel, ChannelGroup connections) {}

  private DataPlane(DataPlaneOptions options) {
    this.options = options;
    this.transport = options.nativeTransport() ? Transport.best() : Transport.nio();
    this.workers =
        new MultiThreadIoEventLoopGroup(
            options.workers(),
            new DefaultThreadFactory("archway-worker"),
            transport.ioHandlerFactory());
    this.upstreams =
        new UpstreamPools(transport, options.connectTimeout(), options.upstreamIdleTimeout());
    this.proxy =
        new ProxyContext(table::get, upstreams, options.drainTimeout(), options.edgeLimits());
  }

  /** Starts the event loops; nothing listens until {@link #apply} is called. */
  public static DataPlane start(DataPlaneOptions options) {
    return new DataPlane(options);
  }

  /** The socket implementation in use: {@code epoll} or {@code nio}. */
  public String transport() {
    return transport.name();
  }

  /**
   * Serves {@code config} from now on. Blocks until new ports are bound (or failed to bind); must
   * not be called from an event loop.
   *
   * @return per IR HTTP listener, whether it is bound and why not
   * @throws InvalidConfigException if the configuration does not compile; the previous one keeps
   *     serving
   */
  public synchronized ApplyResult apply(DataPlaneConfig config) {
    if (closed) {
      throw new IllegalStateException("data plane is closed");
    }
    RouteTable next = RouteTable.compile(config);
    // Swap before binding, so that a new port serves its routes from its first request.
    table.set(next);
    Map<ListenerKey, ChannelFuture> binding = new LinkedHashMap<>();
    for (ListenerRoutes listener : next.listeners()) {
      if (!bound.containsKey(listener.key())) {
        binding.put(listener.key(), bind(listener.key()));
      }
    }
    Map<ListenerKey, String> errors = new HashMap<>();
    binding.forEach((key, future) -> awaitBind(key, future, errors));
    List<ListenerKey> removed = new ArrayList<>();
    for (ListenerKey key : bound.keySet()) {
      if (next.listener(key) == null) {
        removed.add(key);
      }
    }
    removed.forEach(key -> unbind(bound.remove(key)));
    return result(next, errors);
  }

  private ChannelFuture bind(ListenerKey key) {
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    return new ServerBootstrap()
        .group(workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new HttpListenerInitializer(proxy, key, connections))
        .attr(CONNECTIONS, connections)
        .bind(new InetSocketAddress(key.bindAddress(), key.port()));
  }

  private void awaitBind(ListenerKey key, ChannelFuture future, Map<ListenerKey, String> errors) {
    if (!future.awaitUninterruptibly(BIND_TIMEOUT.toMillis())) {
      future.channel().close();
      errors.put(key, "bind " + key + ": timed out");
    } else if (!future.isSuccess()) {
      errors.put(key, "bind " + key + ": " + future.cause().getMessage());
    } else {
      Channel channel = future.channel();
      bound.put(key, new BoundListener(channel, channel.attr(CONNECTIONS).get()));
    }
  }

  private ApplyResult result(RouteTable next, Map<ListenerKey, String> errors) {
    List<ApplyResult.ListenerStatus> statuses = new ArrayList<>();
    for (ListenerRoutes listener : next.listeners()) {
      ListenerKey key = listener.key();
      statuses.add(
          new ApplyResult.ListenerStatus(
              listener.name(),
              key.bindAddress(),
              key.port(),
              bound.containsKey(key),
              errors.get(key)));
    }
    next.conflicts()
        .forEach(
            (name, why) -> statuses.add(new ApplyResult.ListenerStatus(name, null, 0, false, why)));
    return new ApplyResult(statuses);
  }

  /** Stops accepting, lets open connections finish what they are doing, then closes them. */
  private void unbind(BoundListener listener) {
    listener.serverChannel().close().awaitUninterruptibly();
    listener.connections().forEach(c -> c.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
    workers
        .next()
        .schedule(
            () -> listener.connections().close(),
            options.drainTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /**
   * Whether the data plane is shutting down: set by {@link #beginDrain()} or {@link #close()}. A
   * readiness probe reads it, so that load balancers stop sending new connections here while the
   * open ones finish.
   */
  public boolean draining() {
    return draining;
  }

  /**
   * Fails readiness ({@link #draining()}) and keeps serving normally, so that endpoints can be
   * removed before {@link #close()} stops accepting (SIGTERM: beginDrain, a propagation delay, then
   * close).
   */
  public void beginDrain() {
    draining = true;
  }

  /** The compiled routing currently served. */
  public RouteTable routeTable() {
    return table.get();
  }

  /** {@link RouteTable#dump()} of the routing currently served. */
  public String dump() {
    return table.get().dump();
  }

  /** The listening socket of an IR listener, or null; tests use it to see sockets survive. */
  synchronized Channel serverChannel(String listenerName) {
    for (ListenerRoutes listener : table.get().listeners()) {
      if (listener.name().equals(listenerName)) {
        BoundListener b = bound.get(listener.key());
        return b == null ? null : b.serverChannel();
      }
    }
    return null;
  }

  /**
   * Stops gracefully: fails readiness, closes every listening socket, tells open connections to
   * drain (HTTP/2 GOAWAY; HTTP/1 {@code Connection: close} on the response in flight, idle ones
   * close at once), lets in-flight requests finish for up to the drain timeout, then closes what is
   * left and stops the event loops.
   */
  @Override
  public void close() {
    draining = true;
    List<BoundListener> listeners;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      listeners = new ArrayList<>(bound.values());
      bound.clear();
    }
    for (BoundListener listener : listeners) {
      listener.serverChannel().close().awaitUninterruptibly();
      listener.connections().forEach(c -> c.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
    }
    long deadline = System.nanoTime() + options.drainTimeout().toNanos();
    for (BoundListener listener : listeners) {
      for (Channel connection : listener.connections()) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || !connection.closeFuture().awaitUninterruptibly(left)) {
          connection.close();
        }
      }
    }
    upstreams.closeIdle();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
