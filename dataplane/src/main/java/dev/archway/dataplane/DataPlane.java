package dev.archway.dataplane;

import dev.archway.dataplane.listener.FrontendTable;
import dev.archway.dataplane.listener.ListenerSockets;
import dev.archway.dataplane.proxy.ProxyContext;
import dev.archway.dataplane.proxy.Transport;
import dev.archway.dataplane.proxy.UpstreamPools;
import dev.archway.dataplane.routing.InvalidConfigException;
import dev.archway.dataplane.routing.RouteTable;
import dev.archway.ir.DataPlaneConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The data plane: serves the latest applied {@link DataPlaneConfig} on its HTTP, HTTPS, TLS, TCP
 * and UDP listeners.
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
  private final DataPlaneOptions options;
  private final Transport transport;
  private final EventLoopGroup workers;
  private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.EMPTY);
  private final UpstreamPools upstreams;
  private final ProxyContext proxy;
  private final AtomicReference<FrontendTable> frontends =
      new AtomicReference<>(FrontendTable.EMPTY);
  private final ListenerSockets sockets;
  private boolean closed;
  private volatile boolean draining;

  private DataPlane(DataPlaneOptions options) {
    this.options = options;
    this.transport =
        options.nativeTransport() ? Transport.best(options.busyPoll()) : Transport.nio();
    this.workers =
        new MultiThreadIoEventLoopGroup(
            options.workers(),
            new DefaultThreadFactory("archway-worker"),
            transport.ioHandlerFactory());
    this.upstreams =
        new UpstreamPools(transport, options.connectTimeout(), options.upstreamIdleTimeout());
    this.proxy =
        new ProxyContext(table::get, upstreams, options.drainTimeout(), options.edgeLimits());
    // A UDP session is an upstream connection too: it ends after the same idle time.
    this.sockets =
        new ListenerSockets(
            workers,
            transport,
            frontends::get,
            proxy,
            options.connectTimeout(),
            options.drainTimeout(),
            options.upstreamIdleTimeout());
  }

  /** Starts the event loops; nothing listens until {@link #apply} is called. */
  public static DataPlane start(DataPlaneOptions options) {
    return new DataPlane(options);
  }

  /** How this data plane was started. */
  public DataPlaneOptions options() {
    return options;
  }

  /** The socket implementation in use: {@code epoll} or {@code nio}. */
  public String transport() {
    return transport.name();
  }

  /**
   * Serves {@code config} from now on. Blocks until new ports are bound (or failed to bind); must
   * not be called from an event loop.
   *
   * @return per IR listener (of every protocol), whether it is bound and why not
   * @throws InvalidConfigException if the configuration does not compile; the previous one keeps
   *     serving
   */
  public synchronized ApplyResult apply(DataPlaneConfig config) {
    if (closed) {
      throw new IllegalStateException("data plane is closed");
    }
    RouteTable next = RouteTable.compile(config, table.get());
    FrontendTable nextFrontends = FrontendTable.compile(config, next, frontends.get());
    // Swap before binding, so that a new port serves its routes from its first connection.
    table.set(next);
    frontends.set(nextFrontends);
    Map<String, String> errors = sockets.update(nextFrontends);
    List<ApplyResult.ListenerStatus> statuses = new ArrayList<>();
    for (FrontendTable.Entry entry : nextFrontends.entries()) {
      statuses.add(
          new ApplyResult.ListenerStatus(
              entry.name(),
              entry.key().bindAddress(),
              entry.key().port(),
              sockets.isBound(entry),
              errors.get(entry.name())));
    }
    nextFrontends
        .conflicts()
        .forEach(
            (name, why) -> statuses.add(new ApplyResult.ListenerStatus(name, null, 0, false, why)));
    return new ApplyResult(statuses);
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
    for (FrontendTable.Entry entry : frontends.get().entries()) {
      if (entry.name().equals(listenerName)) {
        return sockets.channel(entry);
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
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      sockets.close();
    }
    upstreams.closeIdle();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
