package dev.archway.app.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.KubernetesProxySpec;
import dev.archway.api.v1alpha1.ProxyConfig;
import dev.archway.api.v1alpha1.ProxyConfigSpec;
import dev.archway.api.v1alpha1.ProxyLogging;
import dev.archway.api.v1alpha1.ProxyProvider;
import dev.archway.app.runtime.ControllerRunner;
import dev.archway.app.runtime.StatusStore;
import dev.archway.infra.ProxySettings;
import dev.archway.provider.kubernetes.Debounce;
import dev.archway.provider.kubernetes.LeaderElection;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code archway controller --infrastructure kubernetes} against a real API server: each Gateway's
 * proxy Deployment, Service and ServiceAccount are created with the Gateway's infrastructure labels
 * and annotations and its ProxyConfig's settings (from the Gateway or its GatewayClass: replicas,
 * Service type and annotations, resources, log level, workers; a LoadBalancer Service without one),
 * follow ProxyConfig and Gateway changes, report the Service's address in the Gateway's status, and
 * are garbage-collected with the Gateway; addresses a Gateway requests in {@code spec.addresses}
 * become its Service's external IPs within the allowed range.
 */
@ExtendWith(TestCluster.class)
class InfraIT {
  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final String ns = "infra-" + id;
  private final String className = "archway-" + id;
  private KubernetesClient client;
  private ControllerRunner runner;

  static Path repo() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(dir.resolve("deploy/crds"))) {
      dir = dir.getParent();
    }
    return dir;
  }

  @BeforeEach
  void setUp() {
    // Archway's CRDs (ProxyConfig) are installed by hack/test-cluster/start.sh.
    client = TestCluster.cluster().client();
    Fixtures.namespace(client, ns);
    client.resource(Fixtures.archwayClass(className)).create();
  }

  @AfterEach
  void tearDown() {
    if (runner != null) {
      runner.close();
    }
    client.resources(GatewayClass.class).withName(className).delete();
    client.namespaces().withName(ns).delete();
    client.close();
  }

  private ControllerRunner start() {
    return start(null);
  }

  /** With {@code staticRange} the addresses Gateways may request ({@code --address-range}). */
  private ControllerRunner start(String staticRange) {
    LeaderElection.Settings election =
        new LeaderElection.Settings(
            ns,
            "archway-" + id,
            "infra-it-" + id,
            Duration.ofSeconds(4),
            Duration.ofSeconds(3),
            Duration.ofMillis(250));
    return ControllerRunner.start(
        client,
        new ControllerRunner.Options(
            staticRange,
            election,
            Debounce.DEFAULT,
            Duration.ofSeconds(60),
            ProxySettings.defaults("archway-controller.archway-system.svc:18000")),
        null,
        new StatusStore(),
        Clock.systemUTC());
  }

  private ProxyConfig proxyConfig(int replicas, String serviceType) {
    KubernetesProxySpec.Deployment deployment = new KubernetesProxySpec.Deployment();
    deployment.setReplicas(replicas);
    KubernetesProxySpec.ServiceSpec service = new KubernetesProxySpec.ServiceSpec();
    service.setType(serviceType);
    service.setAnnotations(Map.of("example.com/lb", "internal"));
    KubernetesProxySpec kubernetes = new KubernetesProxySpec();
    kubernetes.setDeployment(deployment);
    kubernetes.setService(service);
    ProxyProvider provider = new ProxyProvider();
    provider.setKubernetes(kubernetes);
    ProxyConfigSpec spec = new ProxyConfigSpec();
    spec.setProvider(provider);
    ProxyConfig config = new ProxyConfig();
    config.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("proxy").build());
    config.setSpec(spec);
    return config;
  }

  private <T extends HasMetadata> T get(Class<T> type, String name) {
    return client.resources(type).inNamespace(ns).withName(name).get();
  }

  @Test
  void provisionsFollowsProxyConfigReportsAddressesAndIsCollectedWithTheGateway() {
    client.resource(proxyConfig(2, "ClusterIP")).create();
    Gateway gateway =
        client
            .resource(
                new GatewayBuilder(Fixtures.gateway(ns, "gw", className))
                    .editSpec()
                    .withNewInfrastructure()
                    .withLabels(Map.of("team", "payments"))
                    .withAnnotations(Map.of("example.com/owner", "payments"))
                    .withNewParametersRef()
                    .withGroup("archway.dev")
                    .withKind("ProxyConfig")
                    .withName("proxy")
                    .endParametersRef()
                    .endInfrastructure()
                    .endSpec()
                    .build())
            .create();
    runner = start();

    // Created, labelled, annotated and owned by the Gateway.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Deployment deployment = get(Deployment.class, "archway-gw");
              assertThat(deployment).isNotNull();
              assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
              assertThat(get(Service.class, "archway-gw")).isNotNull();
              assertThat(get(ServiceAccount.class, "archway-gw")).isNotNull();
            });
    Deployment deployment = get(Deployment.class, "archway-gw");
    Service service = get(Service.class, "archway-gw");
    ServiceAccount account = get(ServiceAccount.class, "archway-gw");
    for (HasMetadata object : List.of(deployment, service, account)) {
      assertThat(object.getMetadata().getLabels())
          .containsEntry("team", "payments")
          .containsEntry("gateway.networking.k8s.io/gateway-name", "gw")
          .containsEntry("gateway.networking.k8s.io/gateway-class-name", className);
      assertThat(object.getMetadata().getAnnotations())
          .containsEntry("example.com/owner", "payments");
      assertThat(object.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getKind()).isEqualTo("Gateway");
                assertThat(o.getUid()).isEqualTo(gateway.getMetadata().getUid());
              });
    }
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("team", "payments");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("example.com/owner", "payments");
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("archway-gw");
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getMetadata().getAnnotations()).containsEntry("example.com/lb", "internal");
    assertThat(service.getSpec().getPorts())
        .extracting(p -> p.getPort())
        .containsExactly(Fixtures.LISTENER_PORT);

    // status.addresses: the ClusterIP while there is no load balancer.
    String clusterIp = service.getSpec().getClusterIP();
    await().atMost(Duration.ofSeconds(30)).until(() -> addresses().contains(clusterIp));

    // A ProxyConfig change reaches the Deployment and the Service.
    client.resource(proxyConfig(3, "LoadBalancer")).update();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(get(Deployment.class, "archway-gw").getSpec().getReplicas()).isEqualTo(3);
              assertThat(get(Service.class, "archway-gw").getSpec().getType())
                  .isEqualTo("LoadBalancer");
            });

    // A load balancer's address (written here as a cloud controller would) wins.
    Service lb = get(Service.class, "archway-gw");
    lb.setStatus(
        new ServiceStatusBuilder()
            .withNewLoadBalancer()
            .withIngress(new LoadBalancerIngressBuilder().withIp("203.0.113.9").build())
            .endLoadBalancer()
            .build());
    client.resource(lb).updateStatus();
    await().atMost(Duration.ofSeconds(30)).until(() -> addresses().equals(List.of("203.0.113.9")));

    // With the controller stopped, deleting the Gateway removes them: the garbage collector
    // follows the owner references.
    runner.close();
    runner = null;
    client.resource(gateway).delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(get(Deployment.class, "archway-gw")).isNull();
              assertThat(get(Service.class, "archway-gw")).isNull();
              assertThat(get(ServiceAccount.class, "archway-gw")).isNull();
            });
  }

  /**
   * Without a ProxyConfig the proxy Service is a LoadBalancer. A ProxyConfig referenced from the
   * GatewayClass (added to a running class) sets the Deployment's resources, log level ({@code
   * ARCHWAY_LOG_LEVEL}, which the proxy's logback.xml reads) and workers, and leaves the Service's
   * default type; a Gateway change (a second listener, new infrastructure labels) updates the
   * objects in place, keeping their uids; a Gateway that moves to another controller's class loses
   * them (deleted by the controller, not the garbage collector).
   */
  @Test
  void defaultsToALoadBalancerTakesTheClassProxyConfigAndFollowsGatewayChanges() {
    client.resource(Fixtures.gateway(ns, "plain", className)).create();
    runner = start();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(get(Service.class, "archway-plain")).isNotNull();
              assertThat(get(Deployment.class, "archway-plain")).isNotNull();
            });
    Service service = get(Service.class, "archway-plain");
    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    var container = proxyContainer("plain");
    assertThat(container.getEnv()).noneMatch(e -> e.getName().equals("ARCHWAY_LOG_LEVEL"));
    assertThat(container.getArgs())
        .noneMatch(a -> a.startsWith("--workers"))
        .doesNotContain("--busy-poll");
    assertThat(container.getResources().getRequests()).isNullOrEmpty();
    // No load-balancer controller here: the ClusterIP until one writes an ingress address.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> addresses("plain").equals(List.of(service.getSpec().getClusterIP())));
    String deploymentUid = get(Deployment.class, "archway-plain").getMetadata().getUid();
    String serviceUid = service.getMetadata().getUid();

    // The class gets a ProxyConfig: resources, log level and workers reach the Deployment.
    ProxyConfig classConfig = proxyConfig("class-proxy");
    KubernetesProxySpec.Deployment deployment = new KubernetesProxySpec.Deployment();
    deployment.setResources(
        new ResourceRequirementsBuilder()
            .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
            .withLimits(Map.of("memory", new Quantity("512Mi")))
            .build());
    KubernetesProxySpec kubernetes = new KubernetesProxySpec();
    kubernetes.setDeployment(deployment);
    ProxyProvider provider = new ProxyProvider();
    provider.setKubernetes(kubernetes);
    classConfig.getSpec().setProvider(provider);
    ProxyLogging logging = new ProxyLogging();
    logging.setLevel("debug");
    classConfig.getSpec().setLogging(logging);
    classConfig.getSpec().setConcurrency(2);
    classConfig.getSpec().setBusyPoll(true);
    client.resource(classConfig).create();
    client
        .resources(GatewayClass.class)
        .withName(className)
        .edit(
            c ->
                new GatewayClassBuilder(c)
                    .editSpec()
                    .withNewParametersRef()
                    .withGroup("archway.dev")
                    .withKind("ProxyConfig")
                    .withNamespace(ns)
                    .withName("class-proxy")
                    .endParametersRef()
                    .endSpec()
                    .build());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var proxy = proxyContainer("plain");
              assertThat(proxy.getResources().getRequests())
                  .containsEntry("cpu", new Quantity("100m"))
                  .containsEntry("memory", new Quantity("128Mi"));
              assertThat(proxy.getResources().getLimits())
                  .containsEntry("memory", new Quantity("512Mi"));
              assertThat(proxy.getEnv())
                  .anySatisfy(
                      e -> {
                        assertThat(e.getName()).isEqualTo("ARCHWAY_LOG_LEVEL");
                        assertThat(e.getValue()).isEqualTo("debug");
                      });
              assertThat(proxy.getArgs()).contains("--workers=2", "--busy-poll");
            });
    assertThat(get(Service.class, "archway-plain").getSpec().getType()).isEqualTo("LoadBalancer");

    // A second listener and new infrastructure labels: the same objects, updated.
    client
        .resources(Gateway.class)
        .inNamespace(ns)
        .withName("plain")
        .edit(
            g ->
                new GatewayBuilder(g)
                    .editSpec()
                    .addNewListener()
                    .withName("second")
                    .withProtocol("HTTP")
                    .withPort(Fixtures.LISTENER_PORT + 1)
                    .endListener()
                    .withNewInfrastructure()
                    .withLabels(Map.of("tier", "edge"))
                    .endInfrastructure()
                    .endSpec()
                    .build());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(get(Service.class, "archway-plain").getSpec().getPorts())
                  .extracting(p -> p.getPort())
                  .containsExactly(Fixtures.LISTENER_PORT, Fixtures.LISTENER_PORT + 1);
              assertThat(proxyContainer("plain").getPorts())
                  .extracting(p -> p.getContainerPort())
                  .containsExactly(Fixtures.LISTENER_PORT, Fixtures.LISTENER_PORT + 1);
              for (HasMetadata object :
                  List.of(
                      get(Deployment.class, "archway-plain"),
                      get(Service.class, "archway-plain"),
                      get(ServiceAccount.class, "archway-plain"))) {
                assertThat(object.getMetadata().getLabels()).containsEntry("tier", "edge");
              }
            });
    assertThat(get(Deployment.class, "archway-plain").getMetadata().getUid())
        .isEqualTo(deploymentUid);
    assertThat(get(Service.class, "archway-plain").getMetadata().getUid()).isEqualTo(serviceUid);
    // The class's ProxyConfig still applies.
    assertThat(proxyContainer("plain").getArgs()).contains("--workers=2");

    // The Gateway moves to another controller's class: it still exists (so the garbage collector
    // keeps its objects), and the controller deletes what it no longer needs.
    String foreignClass = "other-" + id;
    client.resource(Fixtures.gatewayClass(foreignClass, "example.com/other-controller")).create();
    try {
      client
          .resources(Gateway.class)
          .inNamespace(ns)
          .withName("plain")
          .edit(
              g ->
                  new GatewayBuilder(g)
                      .editSpec()
                      .withGatewayClassName(foreignClass)
                      .endSpec()
                      .build());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(get(Deployment.class, "archway-plain")).isNull();
                assertThat(get(Service.class, "archway-plain")).isNull();
                assertThat(get(ServiceAccount.class, "archway-plain")).isNull();
              });
      assertThat(get(Gateway.class, "plain")).isNotNull();
    } finally {
      client.resources(GatewayClass.class).withName(foreignClass).delete();
    }
  }

  private io.fabric8.kubernetes.api.model.Container proxyContainer(String gateway) {
    return get(Deployment.class, "archway-" + gateway)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .getFirst();
  }

  private ProxyConfig proxyConfig(String name) {
    ProxyConfig config = new ProxyConfig();
    config.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    config.setSpec(new ProxyConfigSpec());
    return config;
  }

  private List<String> addresses() {
    return addresses("gw");
  }

  private List<String> addresses(String gateway) {
    Gateway gw = get(Gateway.class, gateway);
    if (gw.getStatus() == null || gw.getStatus().getAddresses() == null) {
      return List.of();
    }
    return gw.getStatus().getAddresses().stream().map(GatewayStatusAddress::getValue).toList();
  }

  private static final String RANGE = "198.51.100.10-198.51.100.19";

  private Gateway requesting(String name, GatewaySpecAddress... addresses) {
    return new GatewayBuilder(Fixtures.gateway(ns, name, className))
        .editSpec()
        .withAddresses(addresses)
        .endSpec()
        .build();
  }

  private static GatewaySpecAddress address(String type, String value) {
    return new GatewaySpecAddressBuilder().withType(type).withValue(value).build();
  }

  private static GatewaySpecAddress ip(String value) {
    return address("IPAddress", value);
  }

  private void setAddresses(String gateway, GatewaySpecAddress... addresses) {
    client
        .resources(Gateway.class)
        .inNamespace(ns)
        .withName(gateway)
        .edit(g -> new GatewayBuilder(g).editSpec().withAddresses(addresses).endSpec().build());
  }

  /** The Gateway's condition of {@code type}, from the API server; null before there is one. */
  private Condition condition(String gateway, String type) {
    Gateway gw = get(Gateway.class, gateway);
    if (gw.getStatus() == null || gw.getStatus().getConditions() == null) {
      return null;
    }
    return gw.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .filter(c -> gw.getMetadata().getGeneration().equals(c.getObservedGeneration()))
        .findFirst()
        .orElse(null);
  }

  private void awaitCondition(String gateway, String type, String status, String reason) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(condition(gateway, type))
                    .isNotNull()
                    .satisfies(c -> assertThat(c.getStatus()).isEqualTo(status))
                    .satisfies(c -> assertThat(c.getReason()).isEqualTo(reason)));
  }

  private List<String> externalIps(String gateway) {
    Service service = get(Service.class, "archway-" + gateway);
    return service == null || service.getSpec().getExternalIPs() == null
        ? List.of()
        : service.getSpec().getExternalIPs();
  }

  /**
   * GatewayStaticAddresses: a requested address inside the range becomes the proxy Service's
   * external IP (the API server accepts it; kube-proxy would route it) and the Gateway's only
   * status address; one outside the range, or another Gateway's, is AddressNotUsable naming
   * spec.addresses[i] while the usable ones stay on the Service; a Hostname is UnsupportedAddress;
   * removing the addresses gives the Service back its own address.
   */
  @Test
  void requestedAddressesInTheRangeBecomeTheServicesExternalIps() {
    client.resource(requesting("gw", ip("198.51.100.10"))).create();
    runner = start(RANGE);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(externalIps("gw")).containsExactly("198.51.100.10");
              assertThat(addresses("gw")).containsExactly("198.51.100.10");
            });
    awaitCondition("gw", "Programmed", "True", "Programmed");
    assertThat(get(Gateway.class, "gw").getStatus().getAddresses())
        .singleElement()
        .satisfies(a -> assertThat(a.getType()).isEqualTo("IPAddress"));

    // Another Gateway asking for the same address does not get it, and is told who has it.
    client.resource(requesting("other", ip("198.51.100.10"))).create();
    awaitCondition("other", "Programmed", "False", "AddressNotUsable");
    assertThat(condition("other", "Programmed").getMessage())
        .isEqualTo(
            "spec.addresses[0]: IPAddress \"198.51.100.10\" is not usable: Gateway "
                + ns
                + "/gw holds it (expected: an address no other Gateway holds)");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Service service = get(Service.class, "archway-other");
              assertThat(service).isNotNull();
              assertThat(externalIps("other")).isEmpty();
              // Reachable at its own address meanwhile, and saying so.
              assertThat(addresses("other")).containsExactly(service.getSpec().getClusterIP());
            });
    assertThat(externalIps("gw")).containsExactly("198.51.100.10");

    // A Hostname cannot be given to a Gateway: not Accepted.
    client.resource(requesting("named", address("Hostname", "gw.example.com"))).create();
    awaitCondition("named", "Accepted", "False", "UnsupportedAddress");
    assertThat(condition("named", "Accepted").getMessage())
        .startsWith("spec.addresses[0]: Hostname \"gw.example.com\" is not supported");

    // An address outside the range: not usable; the usable one stays on the Service.
    setAddresses("gw", ip("203.0.113.5"), ip("198.51.100.10"));
    awaitCondition("gw", "Programmed", "False", "AddressNotUsable");
    assertThat(condition("gw", "Programmed").getMessage())
        .isEqualTo(
            "spec.addresses[0]: IPAddress \"203.0.113.5\" is not usable (expected: an address in"
                + " --address-range "
                + RANGE
                + ")");
    assertThat(condition("gw", "Accepted").getStatus()).isEqualTo("True");
    assertThat(externalIps("gw")).containsExactly("198.51.100.10");
    assertThat(addresses("gw")).containsExactly("198.51.100.10");

    // Another address of the range instead: programmed there; the freed one goes to "other".
    setAddresses("gw", ip("198.51.100.11"));
    awaitCondition("gw", "Programmed", "True", "Programmed");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(externalIps("gw")).containsExactly("198.51.100.11");
              assertThat(addresses("gw")).containsExactly("198.51.100.11");
              assertThat(externalIps("other")).containsExactly("198.51.100.10");
              assertThat(addresses("other")).containsExactly("198.51.100.10");
            });
    awaitCondition("other", "Programmed", "True", "Programmed");

    // No addresses requested: the field leaves the Service, which reports its own address again.
    setAddresses("gw");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(externalIps("gw")).isEmpty();
              assertThat(addresses("gw"))
                  .containsExactly(get(Service.class, "archway-gw").getSpec().getClusterIP());
            });
  }
}
