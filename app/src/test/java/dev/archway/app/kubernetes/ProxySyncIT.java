package dev.archway.app.kubernetes;

import static dev.archway.app.kubernetes.ControllerHarness.currentTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.ProxyConfig;
import dev.archway.api.v1alpha1.ProxyConfigSpec;
import dev.archway.api.v1alpha1.ProxyLogging;
import dev.archway.app.runtime.ControllerRunner;
import dev.archway.app.runtime.StatusStore;
import dev.archway.app.sync.CertificateAuthority;
import dev.archway.app.sync.ControllerSync;
import dev.archway.app.sync.TlsFiles;
import dev.archway.infra.ProxyModel;
import dev.archway.infra.ProxySettings;
import dev.archway.provider.kubernetes.Debounce;
import dev.archway.provider.kubernetes.LeaderElection;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Kubernetes infrastructure and config sync together: the controller (as {@code archway controller
 * --infrastructure kubernetes} wires it) keeps the sync CA in a Secret, writes the Gateway's proxy
 * certificate Secret, and streams the configuration; this test stands in for the kubelet: it copies
 * the Secret's files into a directory, as a volume mount would, and starts the real {@code archway
 * proxy} jar with the proxy Deployment's arguments and environment (the Gateway's ProxyConfig sets
 * its log level and workers) against the controller's sync port on loopback. The Gateway is {@code
 * Programmed} only once the proxy acknowledged; traffic through the proxy reaches a backend found
 * through an EndpointSlice; an EndpointSlice change arrives as an endpoint delta; and the proxy
 * keeps serving when the controller stops, logging at the ProxyConfig's level.
 */
@ExtendWith(TestCluster.class)
class ProxySyncIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final String ns = "sync-" + id;
  private final String className = "archway-" + id;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ControllerHarness harness = new ControllerHarness();

  @TempDir Path dir;
  private KubernetesClient client;
  private NetnsEcho echo;
  private ControllerSync sync;
  private ControllerRunner runner;
  private Process proxy;

  @BeforeEach
  void setUp() throws IOException {
    client = TestCluster.cluster().client();
    Fixtures.namespace(client, ns);
    client.resource(Fixtures.archwayClass(className)).create();
    echo = NetnsEcho.start("echo-a");
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (proxy != null) {
      proxy.destroy();
      if (!proxy.waitFor(20, TimeUnit.SECONDS)) {
        proxy.destroyForcibly();
      }
    }
    stopController();
    harness.close();
    echo.close();
    client.resources(GatewayClass.class).withName(className).delete();
    client.namespaces().withName(ns).delete();
    client.close();
  }

  private void stopController() {
    if (runner != null) {
      runner.close();
      runner = null;
    }
    if (sync != null) {
      sync.close();
      sync = null;
    }
  }

  @Test
  void proxyWithTheControllersSecretIsProgrammedOnAckServesFollowsEndpointsAndOutlivesController()
      throws Exception {
    int listenerPort = freePort();
    client.resource(Fixtures.service(ns, "echo")).create();
    client.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, echo.port())).create();
    // The Gateway's ProxyConfig: its log level and workers reach the proxy through the Deployment.
    ProxyConfigSpec proxySpec = new ProxyConfigSpec();
    ProxyLogging logging = new ProxyLogging();
    logging.setLevel("warn");
    proxySpec.setLogging(logging);
    proxySpec.setConcurrency(1);
    ProxyConfig proxyConfig = new ProxyConfig();
    proxyConfig.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("proxy").build());
    proxyConfig.setSpec(proxySpec);
    client.resource(proxyConfig).create();
    client
        .resource(
            new GatewayBuilder(Fixtures.gateway(ns, "gw", className))
                .editSpec()
                .editFirstListener()
                .withPort(listenerPort)
                .endListener()
                .withNewInfrastructure()
                .withNewParametersRef()
                .withGroup("archway.dev")
                .withKind("ProxyConfig")
                .withName("proxy")
                .endParametersRef()
                .endInfrastructure()
                .endSpec()
                .build())
        .create();
    client.resource(Fixtures.route(ns, "web", "/", "echo", "gw")).create();

    // The controller, wired as ControllerCommand does, its sync server on loopback.
    sync =
        ControllerSync.start(
            client,
            new ControllerSync.Settings(
                ns,
                "archway-ca",
                new InetSocketAddress("127.0.0.1", 0),
                List.of("127.0.0.1"),
                Duration.ofDays(30),
                Duration.ofMinutes(5)),
            Clock.systemUTC(),
            "archway-controller");
    String syncAddress = "127.0.0.1:" + sync.server().port();
    StatusStore statuses = new StatusStore();
    runner =
        ControllerRunner.start(
            client,
            new ControllerRunner.Options(
                null, // no static addresses
                new LeaderElection.Settings(
                    ns,
                    "archway-" + id,
                    "sync-it-" + id,
                    Duration.ofSeconds(4),
                    Duration.ofSeconds(3),
                    Duration.ofMillis(250)),
                Debounce.DEFAULT,
                Duration.ofSeconds(60),
                ProxySettings.defaults(syncAddress)),
            null,
            statuses,
            Clock.systemUTC(),
            sync.server(),
            sync.certificates());

    // The CA is kept in the controller's namespace; the proxy's certificate Secret in the
    // Gateway's, owned by the Gateway, naming it, signed by that CA; the Deployment mounts it.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> secret("archway-gw-proxy-tls") != null && deployment() != null);
    Secret ca = secret("archway-ca");
    assertThat(ca).isNotNull();
    assertThat(decode(ca, TlsFiles.CERT)).isEqualTo(sync.ca().certificatePem());
    Secret tls = secret("archway-gw-proxy-tls");
    assertThat(tls.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(tls.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Gateway"));
    assertThat(decode(tls, TlsFiles.CA)).isEqualTo(sync.ca().certificatePem());
    assertThat(
            CertificateAuthority.gatewaysOf(
                certificate(decode(tls, TlsFiles.CERT).getBytes(StandardCharsets.UTF_8))))
        .containsExactly(ns + "/gw");
    var pod = deployment().getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getVolumes())
        .anySatisfy(
            v ->
                assertThat(v.getSecret() == null ? null : v.getSecret().getSecretName())
                    .isEqualTo("archway-gw-proxy-tls"));

    // No proxy yet: Accepted, but not Programmed; the listener says why.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Gateway gw = gateway();
              return gw.getStatus() != null
                  && currentTrue(gw.getStatus().getConditions(), "Accepted", gw)
                  && programmed(gw, gw.getStatus().getConditions())
                      .filter(c -> c.getStatus().equals("False"))
                      .isPresent()
                  && gw.getStatus().getListeners().size() == 1
                  && programmed(gw, gw.getStatus().getListeners().getFirst().getConditions())
                      .filter(c -> c.getStatus().equals("False"))
                      .filter(c -> c.getMessage().contains("no proxy is connected"))
                      .isPresent();
            });

    // The kubelet's part: the Secret's files in a directory, the proxy started with them, with the
    // Deployment's container arguments and environment (the mount and the health port moved to
    // this machine, and loopback addresses for the listeners and the admin API).
    Path tlsDir = dir.resolve("tls");
    Files.createDirectories(tlsDir);
    for (String file : List.of(TlsFiles.CERT, TlsFiles.KEY, TlsFiles.CA)) {
      Files.writeString(tlsDir.resolve(file), decode(tls, file));
    }
    int adminPort = freePort();
    int healthPort = freePort();
    Path log = dir.resolve("proxy.log");
    var container = pod.getContainers().getFirst();
    assertThat(container.getArgs())
        .contains(
            "proxy",
            "--controller=" + syncAddress,
            "--gateway=" + ns + "/gw",
            "--tls-dir=" + ProxyModel.TLS_DIR,
            "--workers=1");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-jar",
                System.getProperty("archway.jar")));
    for (String arg : container.getArgs()) {
      if (arg.startsWith("--tls-dir=")) {
        arg = "--tls-dir=" + tlsDir;
      } else if (arg.startsWith("--health-address=")) {
        arg = "--health-address=127.0.0.1:" + healthPort;
      }
      command.add(arg);
    }
    command.addAll(
        List.of(
            "--name=proxy-" + id,
            "--bind-address=127.0.0.1",
            "--admin-address=127.0.0.1:" + adminPort));
    ProcessBuilder proxyProcess =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    proxyProcess.environment().remove("ARCHWAY_LOG_LEVEL");
    for (var env : container.getEnv()) {
      if (env.getValue() != null) {
        proxyProcess.environment().put(env.getName(), env.getValue());
      }
    }
    assertThat(proxyProcess.environment()).containsEntry("ARCHWAY_LOG_LEVEL", "warn");
    proxy = proxyProcess.start();

    // Programmed once the proxy acknowledged; the health port says ready.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              assertThat(proxy.isAlive()).as("proxy alive; log:\n%s", logOf(log)).isTrue();
              Gateway gw = gateway();
              return currentTrue(gw.getStatus().getConditions(), "Programmed", gw);
            });
    assertThat(status("127.0.0.1:" + healthPort, "/readyz")).isEqualTo(200);
    assertThat(status("127.0.0.1:" + healthPort, "/healthz")).isEqualTo(200);
    assertThat(status("127.0.0.1:" + healthPort, "/config")).isEqualTo(404);
    assertThat(status("127.0.0.1:" + healthPort, "/sync")).isEqualTo(404);
    assertThat(sync.server().status().get(ns + "/gw").programmed()).isTrue();

    // Traffic through the proxy's listener reaches the backend of the EndpointSlice.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> harness.get("127.0.0.1", listenerPort, "/hello"),
            r -> r.equals(Optional.of("echo-a")));

    // An EndpointSlice change reaches the proxy as an endpoint delta.
    long deltas = syncState(adminPort).path("deltaUpdates").asLong();
    Fixtures.awaitQuiet(client, statuses);
    long statusWrites = runner.statusWrites();
    long translations = runner.translations();
    String programmedSince =
        programmed(gateway(), gateway().getStatus().getConditions())
            .orElseThrow()
            .getLastTransitionTime();
    try (NetnsEcho second = NetnsEcho.start("echo-b")) {
      client.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, second.port())).update();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> harness.get("127.0.0.1", listenerPort, "/hello"),
              r -> r.equals(Optional.of("echo-b")));
      assertThat(syncState(adminPort).path("deltaUpdates").asLong()).isGreaterThan(deltas);
      // ... and the Gateway stayed Programmed throughout (no flap to False and back).
      Gateway gw = gateway();
      assertThat(currentTrue(gw.getStatus().getConditions(), "Programmed", gw)).isTrue();
      assertThat(
              programmed(gw, gw.getStatus().getConditions()).orElseThrow().getLastTransitionTime())
          .isEqualTo(programmedSince);
      assertThat(runner.statusWrites()).isEqualTo(statusWrites);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> sync.server().status().get(ns + "/gw").programmed());
      // The endpoint fast path: the configuration's endpoints were read again, nothing translated.
      assertThat(runner.translations()).isEqualTo(translations);

      // A route change reaches the proxy as a delta of the routes, not the whole configuration.
      long fullUpdates = syncState(adminPort).path("fullUpdates").asLong();
      long changeUpdates = syncState(adminPort).path("changeUpdates").asLong();
      HTTPRoute web = client.resources(HTTPRoute.class).inNamespace(ns).withName("web").get();
      web.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("/hello");
      client.resource(web).update();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> harness.get("127.0.0.1", listenerPort, "/other"),
              r -> r.equals(Optional.of("status 404")));
      assertThat(harness.get("127.0.0.1", listenerPort, "/hello")).contains("echo-b");
      JsonNode state = syncState(adminPort);
      assertThat(state.path("changeUpdates").asLong()).isGreaterThan(changeUpdates);
      assertThat(state.path("fullUpdates").asLong()).isEqualTo(fullUpdates);

      // The controller stops: the proxy notices, and keeps serving what it has.
      stopController();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !syncState(adminPort).path("connected").asBoolean());
      for (int i = 0; i < 5; i++) {
        assertThat(harness.get("127.0.0.1", listenerPort, "/hello")).contains("echo-b");
      }
      assertThat(status("127.0.0.1:" + healthPort, "/readyz")).isEqualTo(200);
      assertThat(proxy.isAlive()).isTrue();
    }
    // The ProxyConfig's log level: the proxy logged its loss of the controller (a warning), and
    // none of the INFO lines it writes at start and on reconnecting.
    await().atMost(Duration.ofSeconds(10)).until(() -> logOf(log).contains(" WARN "));
    assertThat(logOf(log).lines()).noneMatch(l -> l.matches("^[0-9:.]+ INFO .*"));
  }

  private Gateway gateway() {
    return client.resources(Gateway.class).inNamespace(ns).withName("gw").get();
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace(ns).withName("archway-gw").get();
  }

  private Secret secret(String name) {
    return client.secrets().inNamespace(ns).withName(name).get();
  }

  private static Optional<Condition> programmed(Gateway gw, List<Condition> conditions) {
    return conditions.stream()
        .filter(c -> c.getType().equals("Programmed"))
        .filter(c -> gw.getMetadata().getGeneration().equals(c.getObservedGeneration()))
        .findFirst();
  }

  private static String decode(Secret secret, String key) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static java.security.cert.X509Certificate certificate(byte[] pem) throws Exception {
    return (java.security.cert.X509Certificate)
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(pem));
  }

  private int status(String address, String path) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://" + address + path))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** The proxy's admin API {@code /sync}: version, connected, full and delta update counts. */
  private JsonNode syncState(int adminPort) throws IOException, InterruptedException {
    return JSON.readTree(
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/sync"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static String logOf(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
