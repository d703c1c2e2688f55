package dev.archway.app;

import dev.archway.api.yaml.LoadResult;
import dev.archway.api.yaml.ManifestException;
import dev.archway.app.admin.AdminServer;
import dev.archway.app.runtime.StandaloneRunner;
import dev.archway.app.runtime.StatusStore;
import dev.archway.dataplane.DataPlane;
import dev.archway.dataplane.DataPlaneOptions;
import dev.archway.provider.file.FileProvider;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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

  /** How long the files must be quiet after a change before they are read again. */
  private static final Duration SETTLE = Duration.ofMillis(100);

  @Mixin ManifestPaths manifests;

  @Option(
      names = "--admin-address",
      defaultValue = "127.0.0.1:19000",
      paramLabel = "HOST:PORT",
      description = "Where the admin API listens (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(
      names = "--workers",
      defaultValue = "0",
      paramLabel = "N",
      description = "Event loop threads for traffic (default: one per core).")
  int workers;

  @Override
  public Integer call() throws IOException, InterruptedException {
    StatusStore statuses = new StatusStore();
    DataPlane dataPlane =
        DataPlane.start(
            workers > 0
                ? DataPlaneOptions.defaults().withWorkers(workers)
                : DataPlaneOptions.defaults());
    StandaloneRunner runner = new StandaloneRunner(dataPlane, statuses, Clock.systemUTC());
    AdminServer admin;
    try {
      admin =
          AdminServer.start(
              Addresses.parse(adminAddress, "--admin-address"), statuses, runner::serving);
    } catch (IOException e) {
      dataPlane.close();
      System.err.println("error: admin API cannot listen on " + adminAddress + ": " + e);
      return 1;
    }
    FileProvider provider =
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
            SETTLE);
    if (!runner.serving()) {
      provider.close();
      admin.close();
      dataPlane.close();
      return 1;
    }
    LOG.info("admin API on http://{}", adminAddress);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("shutting down");
                  try {
                    provider.close();
                  } catch (IOException e) {
                    LOG.debug("closing the file provider", e);
                  }
                  dataPlane.close();
                  admin.close();
                  stopped.countDown();
                },
                "archway-shutdown"));
    stopped.await();
    return 0;
  }
}
