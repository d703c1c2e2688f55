package dev.archway.dataplane;

import dev.archway.dataplane.proxy.EdgeLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DataPlane} runs.
 *
 * @param workers event loop threads; each serves its connections and their upstream connections
 * @param connectTimeout how long to wait for an upstream connection before answering 502
 * @param drainTimeout how long in-flight requests may run after a port is closed or on {@link
 *     DataPlane#close()}
 * @param upstreamIdleTimeout how long an unused upstream connection stays pooled
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
    return new DataPlaneOptions(
        workers,
        connectTimeout,
        drainTimeout,
        upstreamIdleTimeout,
        nativeTransport,
        edgeLimits,
        busyPoll);
  }

  public DataPlaneOptions withDrainTimeout(Duration drainTimeout) {
    return new DataPlaneOptions(
        workers,
        connectTimeout,
        drainTimeout,
        upstreamIdleTimeout,
        nativeTransport,
        edgeLimits,
        busyPoll);
  }

  public DataPlaneOptions withConnectTimeout(Duration connectTimeout) {
    return new DataPlaneOptions(
        workers,
        connectTimeout,
        drainTimeout,
        upstreamIdleTimeout,
        nativeTransport,
        edgeLimits,
        busyPoll);
  }

  public DataPlaneOptions withUpstreamIdleTimeout(Duration upstreamIdleTimeout) {
    return new DataPlaneOptions(
        workers,
        connectTimeout,
        drainTimeout,
        upstreamIdleTimeout,
        nativeTransport,
        edgeLimits,
        busyPoll);
  }

  public DataPlaneOptions withBusyPoll(boolean busyPoll) {
    return new DataPlaneOptions(
        workers,
        connectTimeout,
        drainTimeout,
        upstreamIdleTimeout,
        nativeTransport,
        edgeLimits,
        busyPoll);
  }

  public DataPlaneOptions withNativeTransport(boolean nativeTransport) {
    return new DataPlaneOptions(
        workers,
        connectTimeout,
        drainTimeout,
        upstreamIdleTimeout,
        nativeTransport,
        edgeLimits,
        busyPoll);
  }

  public DataPlaneOptions withEdgeLimits(EdgeLimits edgeLimits) {
    return new DataPlaneOptions(
        workers,
        connectTimeout,
        drainTimeout,
        upstreamIdleTimeout,
        nativeTransport,
        edgeLimits,
        busyPoll);
  }
}
