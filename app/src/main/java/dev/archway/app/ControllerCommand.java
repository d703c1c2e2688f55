package dev.archway.app;

import dev.archway.app.admin.AdminServer;
import dev.archway.app.runtime.ControllerRunner;
import dev.archway.app.runtime.StatusStore;
import dev.archway.app.sync.ControllerSync;
import dev.archway.app.sync.ProxyCertificates;
import dev.archway.dataplane.DataPlane;
import dev.archway.infra.ProxySettings;
import dev.archway.provider.kubernetes.Debounce;
import dev.archway.provider.kubernetes.KubernetesProviderException;
import dev.archway.provider.kubernetes.LeaderElection;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code archway controller}: Kubernetes mode. Watches an API server, serves the Gateways of
 * GatewayClasses naming {@code archway.dev/gateway-controller}, and writes their statuses.
 */
@Command(
    name = "controller",
    description = {
      "Kubernetes mode: watch the API server, serve the Gateways of Archway's GatewayClasses and"
          + " write their statuses. With --infrastructure host, this process is the data plane:"
          + " each Gateway listens on its own local address from --address-range. With"
          + " --infrastructure kubernetes, each Gateway gets a proxy Deployment, Service and"
          + " ServiceAccount in its namespace, and its configuration is streamed to the proxies"
          + " over mutual TLS (--sync-address); the addresses it requests in spec.addresses"
          + " become its Service's external IPs when they lie in --address-range."
    })
final class ControllerCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerCommand.class);
  private static final Path IN_CLUSTER_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /** Where Gateways' data planes run. */
  enum Infrastructure {
    /** In this process, each Gateway on a local address. */
    host,
    /** In proxy Deployments the controller creates, one per Gateway ({@code archway proxy}). */
    kubernetes
  }

  @Option(
      names = "--kubeconfig",
      paramLabel = "PATH",
      description = "Kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster).")
  Path kubeconfig;

  @Option(
      names = "--infrastructure",
      defaultValue = "host",
      paramLabel = "KIND",
      description =
          "Where Gateways are served: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Infrastructure infrastructure;

  /** Host infrastructure's addresses when --address-range is not given. */
  static final String HOST_ADDRESS_RANGE = "127.0.1.1-127.0.1.254";

  @Option(
      names = "--address-range",
      paramLabel = "FIRST-LAST",
      description =
          "IPv4 addresses for Gateways. With --infrastructure host: local addresses, one per"
              + " Gateway, reported in status.addresses (default: "
              + HOST_ADDRESS_RANGE
              + "). With --infrastructure kubernetes: the addresses Gateways may request in"
              + " spec.addresses, carried to their proxy Service's spec.externalIPs (default:"
              + " none).")
  String addressRange;

  @Option(
      names = "--admin-address",
      defaultValue = "127.0.0.1:19001",
      paramLabel = "HOST:PORT",
      description = "Where the admin API listens (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(
      names = "--leader-election-namespace",
      paramLabel = "NS",
      description =
          "Namespace of the leader-election Lease (default: the pod's namespace in a cluster,"
              + " else the kubeconfig's, else default).")
  String leaseNamespace;

  @Option(
      names = "--lease-name",
      defaultValue = "archway-controller",
      paramLabel = "NAME",
      description = "Name of the leader-election Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(
      names = "--proxy-image",
      defaultValue = ProxySettings.DEFAULT_IMAGE,
      paramLabel = "IMAGE",
      description = "Image of the proxy Deployments (default: ${DEFAULT-VALUE}).")
  String proxyImage;

  @Option(
      names = "--proxy-image-pull-policy",
      defaultValue = "IfNotPresent",
      paramLabel = "POLICY",
      description = "Always, IfNotPresent or Never (default: ${DEFAULT-VALUE}).")
  String proxyImagePullPolicy;

  @Option(
      names = "--proxy-controller-address",
      paramLabel = "HOST:PORT",
      description =
          "Where proxies reach this controller's config stream (default:"
              + " archway-controller.<namespace>.svc:18000).")
  String proxyControllerAddress;

  @Option(
      names = "--sync-address",
      defaultValue = "0.0.0.0:18000",
      paramLabel = "HOST:PORT",
      description =
          "Where proxies' config sync streams are served, with --infrastructure kubernetes"
              + " (default: ${DEFAULT-VALUE}).")
  String syncAddress;

  @Option(
      names = "--sync-dns-name",
      paramLabel = "NAME",
      description =
          "A further DNS name or IP address for the config sync server's certificate (besides"
              + " archway-controller.<namespace>.svc[.cluster.local] and the host of"
              + " --proxy-controller-address); repeatable.")
  List<String> syncDnsNames = new ArrayList<>();

  @Option(
      names = "--ca-secret",
      defaultValue = "archway-ca",
      paramLabel = "NAME",
      description =
          "The Secret in the controller's namespace holding the config sync CA, created if"
              + " missing (default: ${DEFAULT-VALUE}).")
  String caSecret;

  /** With host infrastructure this process is the data plane; with Kubernetes, the proxies are. */
  @Mixin DataPlaneFlags dataPlaneFlags;

  @Override
  public Integer call() throws InterruptedException {
    KubernetesClient client;
    try {
      Config config =
          kubeconfig == null
              ? Config.autoConfigure(null)
              : Config.fromKubeconfig(kubeconfig.toFile());
      client = new KubernetesClientBuilder().withConfig(config).build();
    } catch (KubernetesClientException | IllegalArgumentException e) {
      System.err.println(
          "error: cannot configure the Kubernetes client: " + ErrorMessages.withCauses(e));
      return 2;
    }
    String namespace = leaseNamespace(client);
    String identity = identity();
    ProxySettings proxy =
        infrastructure == Infrastructure.kubernetes
            ? new ProxySettings(
                proxyImage,
                proxyImagePullPolicy,
                proxyControllerAddress != null
                    ? proxyControllerAddress
                    : "archway-controller." + namespace + ".svc:18000",
                List.of())
            : null;
    String range = addressRange != null || proxy != null ? addressRange : HOST_ADDRESS_RANGE;
    ControllerRunner.Options options =
        new ControllerRunner.Options(
            range,
            LeaderElection.Settings.defaults(namespace, leaseName, identity),
            Debounce.DEFAULT,
            Duration.ofMinutes(2),
            proxy);
    StatusStore statuses = new StatusStore();
    ControllerSync sync = null;
    if (proxy != null) {
      List<String> names = new ArrayList<>(syncDnsNames);
      String host = proxy.controllerAddress().replaceFirst(":\\d+$", "");
      names.addFirst(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
      try {
        sync =
            ControllerSync.start(
                client,
                new ControllerSync.Settings(
                    namespace,
                    caSecret,
                    Addresses.parse(syncAddress, "--sync-address"),
                    names,
                    ProxyCertificates.DEFAULT_VALIDITY,
                    Duration.ofMinutes(5)),
                Clock.systemUTC(),
                "archway-controller");
      } catch (IOException
          | KubernetesClientException
          | IllegalArgumentException
          | IllegalStateException e) {
        System.err.println("error: config sync cannot start on " + syncAddress + ": " + e);
        client.close();
        return 1;
      }
    }
    ControllerSync syncServer = sync;
    // With Kubernetes infrastructure the proxies carry the traffic: no data plane here.
    DataPlane dataPlane = proxy != null ? null : dataPlaneFlags.start();
    // Said before the first request: the client retries an unreachable server for a while.
    LOG.info("watching Gateway API resources through {}", client.getMasterUrl());
    ControllerRunner runner;
    AdminServer admin;
    try {
      runner =
          ControllerRunner.start(
              client,
              options,
              dataPlane,
              statuses,
              Clock.systemUTC(),
              sync == null ? null : sync.server(),
              sync == null ? null : sync.certificates());
    } catch (KubernetesProviderException | KubernetesClientException | IllegalArgumentException e) {
      String where =
          e instanceof KubernetesClientException
              ? "the Kubernetes API server at " + client.getMasterUrl() + ": "
              : "";
      System.err.println("error: " + where + ErrorMessages.withCauses(e));
      closeQuietly(dataPlane);
      closeQuietly(sync);
      client.close();
      return 1;
    }
    try {
      admin =
          AdminServer.start(
              Addresses.parse(adminAddress, "--admin-address"), statuses, runner::serving);
    } catch (IOException e) {
      System.err.println("error: admin API cannot listen on " + adminAddress + ": " + e);
      runner.close();
      closeQuietly(dataPlane);
      closeQuietly(sync);
      client.close();
      return 1;
    }
    LOG.info(
        "controller {} running ({} infrastructure, {}); Lease {}/{}; admin API on http://{}",
        identity,
        infrastructure,
        proxy == null
            ? "addresses " + range
            : "proxy image "
                + proxy.image()
                + ", static addresses "
                + (range == null ? "none" : range),
        namespace,
        leaseName,
        adminAddress);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("shutting down");
                  runner.close(); // releases the Lease: a standby takes over at once
                  closeQuietly(dataPlane);
                  // Proxies keep serving and reconnect (through the Service) to another replica.
                  closeQuietly(syncServer);
                  admin.close();
                  client.close();
                  stopped.countDown();
                },
                "archway-shutdown"));
    stopped.await();
    return 0;
  }

  private static void closeQuietly(DataPlane dataPlane) {
    if (dataPlane != null) {
      dataPlane.close();
    }
  }

  private static void closeQuietly(ControllerSync sync) {
    if (sync != null) {
      sync.close();
    }
  }

  private String leaseNamespace(KubernetesClient client) {
    if (leaseNamespace != null) {
      return leaseNamespace;
    }
    try {
      if (Files.isReadable(IN_CLUSTER_NAMESPACE)) {
        return Files.readString(IN_CLUSTER_NAMESPACE).trim();
      }
    } catch (IOException e) {
      LOG.debug("reading {}", IN_CLUSTER_NAMESPACE, e);
    }
    String fromConfig = client.getConfiguration().getNamespace();
    return fromConfig == null || fromConfig.isBlank() ? "default" : fromConfig;
  }

  /** The pod name in a cluster (HOSTNAME), else the host name, made unique per process. */
  private static String identity() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "archway";
      }
    }
    return host + "_" + UUID.randomUUID().toString().substring(0, 8);
  }
}
