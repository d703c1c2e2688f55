package dev.archway.dataplane;

import dev.archway.dataplane.proxy.EdgeLimits;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link DataPlane} runs.
 *
 * @param workers event loop threads; each serves its connections and their upstream connections
 * @param connectTimeout how long to wait for an upstream connection before answering 502
 * @param drainTimeout how long in-flight requests may run after a port is closed or on {@link
 *     DataPlane#close()}
 * @param upstreamIdleTimeout how long an unused upstream connection stays pooled (HTTP/1.1: closed
 *     by a sweep between this and a quarter more, {@code IdleUpstreams})
 * @param nativeTransport use epoll when the native library loads (NIO otherwise)
 * @param edgeLimits limits and timeouts that protect listeners from clients
 * @param busyPoll event loops poll without sleeping ({@link
 *     dev.archway.dataplane.proxy.Transport#best(boolean)}): for workers with CPUs of their own
 */
public record DataPlaneOptions(
    int workers,
    Duration connectTimeout,
    Duration drainTimeout,
    Duration upstreamIdleTimeout,
    boolean nativeTransport,
    EdgeLimits edgeLimits,
    boolean busyPoll) {
  public DataPlaneOptions {
    if (workers < 1) {
      throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(upstreamIdleTimeout, "upstreamIdleTimeout");
    Objects.requireNonNull(edgeLimits, "edgeLimits");
  }

  /**
   * One worker per available processor, 5 s connect, 10 s drain, 60 s idle, epoll if possible,
   * {@link EdgeLimits#defaults()}, event loops that sleep while there is nothing to do.
   */
  public static DataPlaneOptions defaults() {
    return new DataPlaneOptions(
        Runtime.getRuntime().availableProcessors(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        true,
        EdgeLimits.defaults(),
        false);
  }

  public DataPlaneOptions withWorkers(int workers) {
    return with(o -> o.workers = workers);
  }

  public DataPlaneOptions withDrainTimeout(Duration drainTimeout) {
    return with(o -> o.drainTimeout = drainTimeout);
  }

  public DataPlaneOptions withConnectTimeout(Duration connectTimeout) {
    return with(o -> o.connectTimeout = connectTimeout);
  }

  public DataPlaneOptions withUpstreamIdleTimeout(Duration upstreamIdleTimeout) {
    return with(o -> o.upstreamIdleTimeout = upstreamIdleTimeout);
  }

  public DataPlaneOptions withBusyPoll(boolean busyPoll) {
    return with(o -> o.busyPoll = busyPoll);
  }

  public DataPlaneOptions withNativeTransport(boolean nativeTransport) {
    return with(o -> o.nativeTransport = nativeTransport);
  }

  public DataPlaneOptions withEdgeLimits(EdgeLimits edgeLimits) {
    return with(o -> o.edgeLimits = edgeLimits);
  }

  /** A copy with one change, checked by the constructor like any other. */
  private DataPlaneOptions with(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return new DataPlaneOptions(
        draft.workers,
        draft.connectTimeout,
        draft.drainTimeout,
        draft.upstreamIdleTimeout,
        draft.nativeTransport,
        draft.edgeLimits,
        draft.busyPoll);
  }

  /** The components of an options value being changed. */
  private static final class Draft {
    int workers;
    Duration connectTimeout;
    Duration drainTimeout;
    Duration upstreamIdleTimeout;
    boolean nativeTransport;
    EdgeLimits edgeLimits;
    boolean busyPoll;

    Draft(DataPlaneOptions from) {
      workers = from.workers;
      connectTimeout = from.connectTimeout;
      drainTimeout = from.drainTimeout;
      upstreamIdleTimeout = from.upstreamIdleTimeout;
      nativeTransport = from.nativeTransport;
      edgeLimits = from.edgeLimits;
      busyPoll = from.busyPoll;
    }
  }
}
