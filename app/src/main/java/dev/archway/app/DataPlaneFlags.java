package dev.archway.app;

import dev.archway.dataplane.DataPlane;
import dev.archway.dataplane.DataPlaneOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The data plane's options, shared by the commands that serve traffic ({@code run}, {@code proxy},
 * and {@code controller} with host infrastructure).
 */
final class DataPlaneFlags {
  private static final Logger LOG = LoggerFactory.getLogger(DataPlaneFlags.class);

  @Option(
      names = "--workers",
      defaultValue = "0",
      paramLabel = "N",
      description = "Event loop threads for traffic (default: one per core).")
  int workers;

  @Option(
      names = "--busy-poll",
      description =
          "Event loops poll for traffic without ever sleeping: more throughput and less latency"
              + " when each worker has a CPU of its own, a busy CPU per worker even when idle"
              + " (see docs/benchmarks.md).")
  boolean busyPoll;

  /** Starts a data plane with these options. */
  DataPlane start() {
    DataPlaneOptions defaults = DataPlaneOptions.defaults();
    DataPlane dataPlane =
        DataPlane.start(
            (workers > 0 ? defaults.withWorkers(workers) : defaults).withBusyPoll(busyPoll));
    if (busyPoll) {
      LOG.info(
          "busy polling: {} event loops never sleep, each keeps a CPU busy",
          dataPlane.options().workers());
    }
    return dataPlane;
  }
}
