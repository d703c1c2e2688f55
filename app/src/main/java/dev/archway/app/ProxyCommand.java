package dev.archway.app;

import dev.archway.app.sync.Backoff;
import dev.archway.app.sync.ProxyAdmin;
import dev.archway.app.sync.SyncClient;
import dev.archway.dataplane.DataPlane;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code archway proxy}: a data plane for one Gateway that takes its configuration from the
 * controller over config sync (mutual TLS with the certificate in {@code --tls-dir}). It holds no
 * Kubernetes credentials, and keeps serving its last configuration while the controller is away.
 */
@Command(
    name = "proxy",
    description = {
      "Serve one Gateway with the configuration streamed by `archway controller`; keeps serving"
          + " the last configuration while the controller is unreachable."
    })
final class ProxyCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyCommand.class);

  @Option(
      names = "--controller",
      required = true,
      paramLabel = "HOST:PORT",
      description = "The controller's config sync address.")
  String controller;

  @Option(
      names = "--gateway",
      required = true,
      paramLabel = "NS/NAME",
      description = "The Gateway this proxy serves (its certificate must name it).")
  String gateway;

  @Option(
      names = "--tls-dir",
      required = true,
      paramLabel = "DIR",
      description = "tls.crt, tls.key (this proxy's certificate) and ca.crt (the controller's CA).")
  Path tlsDir;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "This proxy's name among the Gateway's proxies (default: $HOSTNAME).")
  String name;

  @Option(
      names = "--bind-address",
      paramLabel = "ADDRESS",
      description =
          "Serve the Gateway's listeners on this address instead of the configured one"
              + " (0.0.0.0 in a pod).")
  String bindAddress;

  @Option(
      names = "--admin-address",
      defaultValue = "127.0.0.1:19002",
      paramLabel = "HOST:PORT",
      description = "/healthz, /readyz, /config, /sync (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(
      names = "--health-address",
      defaultValue = "0.0.0.0:19003",
      paramLabel = "HOST:PORT",
      description =
          "/healthz and /readyz only, for the kubelet's probes; \"none\" to disable"
              + " (default: ${DEFAULT-VALUE}).")
  String healthAddress;

  @Mixin DataPlaneFlags dataPlaneFlags;

  @Override
  public Integer call() throws InterruptedException {
    if (!gateway.matches("[^/]+/[^/]+")) {
      System.err.println("error: --gateway: " + gateway + " (expected NAMESPACE/NAME)");
      return 2;
    }
    String proxyName = name != null ? name : hostName();
    DataPlane dataPlane = dataPlaneFlags.start();
    SyncClient client =
        SyncClient.start(
            new SyncClient.Settings(
                controller, gateway, proxyName, tlsDir, Backoff.DEFAULT, bindAddress),
            dataPlane);
    ProxyAdmin admin;
    try {
      admin = ProxyAdmin.start(Addresses.parse(adminAddress, "--admin-address"), client, dataPlane);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("error: admin API cannot listen on " + adminAddress + ": " + e);
      client.close();
      dataPlane.close();
      return 1;
    }
    ProxyAdmin health = null;
    if (!healthAddress.equals("none")) {
      try {
        health =
            ProxyAdmin.startHealth(
                Addresses.parse(healthAddress, "--health-address"), client, dataPlane);
      } catch (IOException | IllegalArgumentException e) {
        System.err.println("error: health port cannot listen on " + healthAddress + ": " + e);
        admin.close();
        client.close();
        dataPlane.close();
        return 1;
      }
    }
    ProxyAdmin healthServer = health;
    LOG.info(
        "proxy {} for Gateway {} syncing from {}; admin API on http://{}; health on {}",
        proxyName,
        gateway,
        controller,
        adminAddress,
        healthAddress);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("shutting down");
                  client.close();
                  dataPlane.close(); // fails readiness, drains in-flight requests
                  admin.close();
                  if (healthServer != null) {
                    healthServer.close();
                  }
                  stopped.countDown();
                },
                "archway-shutdown"));
    stopped.await();
    return 0;
  }

  private static String hostName() {
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "archway-proxy";
    }
  }
}
