package dev.archway.dataplane;

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
 */
public record DataPlaneOptions(
    int workers,
    Duration connectTimeout,
    Duration drainTimeout,
    Duration upstreamIdleTimeout,
    boolean nativeTransport) {
  public DataPlaneOptions {
    if (workers < 1) {
      throw new IllegalArgumentException("workers: " + workers + " (expected: >= 1)");
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(upstreamIdleTimeout, "upstreamIdleTimeout");
  }

  /** One worker per available processor, 5 s connect, 10 s drain, 60 s idle, epoll if possible. */
  public static DataPlaneOptions defaults() {
    return new DataPlaneOptions(
        Runtime.getRuntime().availableProcessors(),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        true);
  }

  public DataPlaneOptions withWorkers(int workers) {
    return new DataPlaneOptions(
        workers, connectTimeout, drainTimeout, upstreamIdleTimeout, nativeTransport);
  }

  public DataPlaneOptions withDrainTimeout(Duration drainTimeout) {
    return new DataPlaneOptions(
        workers, connectTimeout, drainTimeout, upstreamIdleTimeout, nativeTransport);
  }

  public DataPlaneOptions withConnectTimeout(Duration connectTimeout) {
    return new DataPlaneOptions(
        workers, connectTimeout, drainTimeout, upstreamIdleTimeout, nativeTransport);
  }

  public DataPlaneOptions withNativeTransport(boolean nativeTransport) {
    return new DataPlaneOptions(
        workers, connectTimeout, drainTimeout, upstreamIdleTimeout, nativeTransport);
  }
}
