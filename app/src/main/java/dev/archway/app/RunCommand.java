package dev.archway.app;

import dev.archway.api.yaml.LoadResult;
import dev.archway.api.yaml.ManifestException;
import dev.archway.app.admin.AdminServer;
import dev.archway.app.runtime.StandaloneRunner;
import dev.archway.app.runtime.StatusStore;
import dev.archway.dataplane.DataPlane;
import dev.archway.provider.file.FileProvider;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code archway run}: standalone mode. The control plane and the data plane run in this process,
 * fed by manifest files that are watched and applied again whenever they change.
 */
@Command(
    name = "run",
    description = {
      "Serve the Gateways in the given manifests (standalone mode). Changes to the files are"
          + " applied within a second; a file that cannot be read leaves the last good"
          + " configuration serving."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  /**
   * How long the files must be quiet after a change before they are read again: long enough for an
   * editor's save (a write and a rename, microseconds apart) to arrive as one change, short enough
   * not to dominate the time from a change to serving it (docs/benchmarks.md).
   */
  private static final Duration SETTLE = Duration.ofMillis(20);

  @Mixin ManifestPaths manifests;

  @Option(
      names = "--admin-address",
      defaultValue = "127.0.0.1:19000",
      paramLabel = "HOST:PORT",
      description = "Where the admin API listens (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Mixin DataPlaneFlags dataPlaneFlags;

  @Option(
      names = "--drain-delay",
      defaultValue = "0s",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "On SIGTERM, how long /readyz fails while traffic is still served, before the"
              + " listeners close and in-flight requests drain, e.g. 5s (default: ${DEFAULT-VALUE}).")
  Duration drainDelay;

  @Override
  public Integer call() throws IOException, InterruptedException {
    StatusStore statuses = new StatusStore();
    DataPlane dataPlane = dataPlaneFlags.start();
    StandaloneRunner runner = new StandaloneRunner(dataPlane, statuses, Clock.systemUTC());
    AdminServer admin;
    try {
      admin =
          AdminServer.start(
              Addresses.parse(adminAddress, "--admin-address"),
              statuses,
              () -> runner.serving() && !dataPlane.draining());
    } catch (IOException e) {
      dataPlane.close();
      System.err.println("error: admin API cannot listen on " + adminAddress + ": " + e);
      return 1;
    }
    // Registered before the first load: a SIGTERM that arrives while the files are read must
    // still drain instead of killing the process mid-apply.
    AtomicReference<FileProvider> provider = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread shutdown =
        new Thread(
            () -> {
              // SIGTERM: fail readiness first, give load balancers time to notice, then stop
              // accepting and let in-flight requests finish (bounded by the drain timeout).
              LOG.info("shutting down: readiness fails now, listeners close in {}", drainDelay);
              dataPlane.beginDrain();
              closeQuietly(provider.get());
              try {
                Thread.sleep(drainDelay.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              dataPlane.close();
              admin.close();
              stopped.countDown();
            },
            "archway-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);

    provider.set(
        FileProvider.start(
            manifests.paths,
            new FileProvider.Listener() {
              @Override
              public void loaded(LoadResult result) {
                runner.loaded(result);
              }

              @Override
              public void failed(ManifestException error) {
                runner.failed(error);
              }
            },
            SETTLE));
    if (!runner.serving()) {
      // Nothing was ever served, so there is nothing to drain.
      Runtime.getRuntime().removeShutdownHook(shutdown);
      closeQuietly(provider.get());
      admin.close();
      dataPlane.close();
      return 1;
    }
    LOG.info("admin API on http://{}", adminAddress);
    stopped.await();
    return 0;
  }

  private static void closeQuietly(FileProvider provider) {
    if (provider == null) {
      return;
    }
    try {
      provider.close();
    } catch (IOException e) {
      LOG.debug("closing the file provider", e);
    }
  }
}
