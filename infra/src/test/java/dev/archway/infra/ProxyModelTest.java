package dev.archway.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.Infrastructure;
import dev.archway.ir.TcpListener;
import dev.archway.ir.TlsListener;
import dev.archway.ir.UdpListener;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Desired objects from a Gateway's IR, pinned by golden files under src/test/resources/golden. */
class ProxyModelTest {
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final ProxySettings SETTINGS =
      ProxySettings.defaults("archway-controller.archway-system.svc:18000");

  private static final Map<String, String> GATEWAY_LABELS =
      Map.of(
          "gateway.networking.k8s.io/gateway-name", "web",
          "gateway.networking.k8s.io/gateway-class-name", "archway");

  private static String render(ProxyResources resources) {
    return resources.all().stream()
        .map(HasMetadata.class::cast)
        .map(YAML::asYaml)
        .collect(Collectors.joining());
  }

  private static Infrastructure infra(
      Map<String, String> labels,
      Map<String, String> annotations,
      Integer replicas,
      String serviceType,
      Map<String, String> serviceAnnotations,
      String logLevel,
      Integer workers,
      Boolean busyPoll) {
    return new Infrastructure(
        labels,
        annotations,
        replicas == null ? null : "ns/proxy",
        replicas,
        serviceType,
        serviceAnnotations,
        replicas == null ? null : "100m",
        replicas == null ? null : "128Mi",
        null,
        replicas == null ? null : "512Mi",
        logLevel,
        workers,
        busyPoll);
  }

  @Test
  void minimalHttpGateway() throws IOException {
    GatewayIr gateway =
        new GatewayIr(
            "gateway/default/web",
            "0.0.0.0",
            List.of(new HttpListener("gateway/default/web/port/80", 80, List.of())),
            null,
            null,
            null,
            null,
            infra(GATEWAY_LABELS, Map.of(), null, null, Map.of(), null, null, null));
    Golden.check(
        GOLDEN.resolve("minimal.yaml"), render(ProxyModel.desired(gateway, "uid-1", SETTINGS)));
  }

  @Test
  void everyListenerKindAndEveryProxyConfigSetting() throws IOException {
    Map<String, String> labels = new java.util.TreeMap<>(GATEWAY_LABELS);
    labels.put("team", "payments");
    // A user's label may not take over Archway's selector labels.
    labels.put(ProxyModel.NAME_LABEL, "mine");
    GatewayIr gateway =
        new GatewayIr(
            "gateway/apps/web",
            "0.0.0.0",
            List.of(
                new HttpListener("gateway/apps/web/port/80", 80, List.of()),
                new HttpListener("gateway/apps/web/port/443", 443, List.of())),
            List.of(new TlsListener("gateway/apps/web/port/8443", 8443, List.of())),
            List.of(new TcpListener("gateway/apps/web/port/5432", 5432, "r", List.of())),
            // UDP 443 too: the same number as a TCP port, a separate Service port.
            List.of(
                new UdpListener("gateway/apps/web/port/53/udp", 53, "r", List.of()),
                new UdpListener("gateway/apps/web/port/443/udp", 443, "r", List.of())),
            null,
            infra(
                labels,
                Map.of("example.com/owner", "payments"),
                3,
                "NodePort",
                Map.of("service.beta.kubernetes.io/aws-load-balancer-type", "nlb"),
                "DEBUG",
                4,
                true));
    ProxyResources resources = ProxyModel.desired(gateway, "uid-2", SETTINGS);
    Golden.check(GOLDEN.resolve("full.yaml"), render(resources));

    // GatewayInfrastructurePropagation: Pod template, Service and ServiceAccount all carry them.
    for (Map<String, String> onObject :
        List.of(
            resources.serviceAccount().getMetadata().getLabels(),
            resources.service().getMetadata().getLabels(),
            resources.deployment().getSpec().getTemplate().getMetadata().getLabels())) {
      assertThat(onObject)
          .containsEntry("team", "payments")
          .containsEntry("gateway.networking.k8s.io/gateway-name", "web")
          .containsEntry(ProxyModel.NAME_LABEL, "archway-proxy");
    }
    assertThat(resources.deployment().getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("example.com/owner", "payments");
    assertThat(resources.service().getMetadata().getAnnotations())
        .containsEntry("example.com/owner", "payments")
        .containsKey("service.beta.kubernetes.io/aws-load-balancer-type");
    assertThat(resources.serviceAccount().getMetadata().getAnnotations())
        .containsOnlyKeys("example.com/owner");
  }

  @Test
  void namesAreValidServiceNamesAndDistinct() {
    assertThat(ProxyModel.resourceName("web")).isEqualTo("archway-web");
    String dotted = ProxyModel.resourceName("web.example");
    assertThat(dotted).matches("archway-web-example-[0-9a-f]{8}");
    String longName = "g".repeat(200);
    String a = ProxyModel.resourceName(longName);
    String b = ProxyModel.resourceName(longName + "x");
    assertThat(a).hasSizeLessThanOrEqualTo(63).matches("[a-z]([-a-z0-9]*[a-z0-9])?");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void podHoldsNoApiCredentialsMountsItsSyncCertificateAndIsProbedOnTheHealthPort() {
    GatewayIr gateway =
        new GatewayIr(
            "gateway/default/web",
            "0.0.0.0",
            List.of(new HttpListener("gateway/default/web/port/80", 80, List.of())));
    var pod = ProxyModel.desired(gateway, "uid-1", SETTINGS).deployment().getSpec().getTemplate();
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .singleElement()
        .satisfies(
            v -> assertThat(v.getSecret().getSecretName()).isEqualTo("archway-web-proxy-tls"));
    var container = pod.getSpec().getContainers().getFirst();
    assertThat(container.getArgs())
        .contains("--tls-dir=" + ProxyModel.TLS_DIR, "--health-address=0.0.0.0:19003");
    assertThat(container.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo(ProxyModel.TLS_DIR));
    for (var probe :
        List.of(
            container.getStartupProbe(),
            container.getLivenessProbe(),
            container.getReadinessProbe())) {
      assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(ProxyModel.HEALTH_PORT);
    }
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(ProxyModel.tlsSecretName("web.example")).endsWith("-proxy-tls").hasSizeLessThan(80);
  }

  @Test
  void rejectsANameThatIsNotAGateway() {
    assertThatThrownBy(
            () -> ProxyModel.desired(new GatewayIr("service/a/b", null, List.of()), "u", SETTINGS))
        .hasMessageContaining("gateway.name: service/a/b");
  }

  @Test
  void requestedAddressesAreTheServicesExternalIpsAndWhatTheGatewayReports() {
    GatewayIr gateway =
        new GatewayIr(
            "gateway/default/web",
            "0.0.0.0",
            List.of(new HttpListener("gateway/default/web/port/80", 80, List.of())));
    Service service =
        ProxyModel.desired(gateway, "uid-1", SETTINGS, List.of("198.51.100.9", "198.51.100.2"))
            .service();
    assertThat(service.getSpec().getExternalIPs()).containsExactly("198.51.100.9", "198.51.100.2");
    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    // None requested: no field at all, so that server-side apply removes one set before.
    assertThat(ProxyModel.desired(gateway, "uid-1", SETTINGS).service().getSpec().getExternalIPs())
        .isNull();

    // Reported: the requested ones the Service carries, not its cluster IP.
    Service observed =
        new ServiceBuilder()
            .withNewSpec()
            .withClusterIP("10.96.0.10")
            .withExternalIPs("198.51.100.2", "198.51.100.7")
            .endSpec()
            .build();
    assertThat(ProxyModel.addresses(observed, List.of("198.51.100.9", "198.51.100.2")))
        .containsExactly("198.51.100.2");
    assertThat(ProxyModel.addresses(observed, List.of("198.51.100.9"))).isEmpty();
    assertThat(ProxyModel.addresses(observed, List.of())).containsExactly("10.96.0.10");
  }

  @Test
  void addressesPreferTheLoadBalancerThenTheClusterIp() {
    Service service =
        new ServiceBuilder()
            .withNewSpec()
            .withClusterIP("10.96.0.10")
            .withClusterIPs("10.96.0.10")
            .endSpec()
            .build();
    assertThat(ProxyModel.addresses(service)).containsExactly("10.96.0.10");
    service.setStatus(
        new io.fabric8.kubernetes.api.model.ServiceStatusBuilder()
            .withNewLoadBalancer()
            .withIngress(
                new io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder()
                    .withHostname("lb.example.com")
                    .build(),
                new io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder()
                    .withIp("203.0.113.7")
                    .build())
            .endLoadBalancer()
            .build());
    assertThat(ProxyModel.addresses(service)).containsExactly("lb.example.com", "203.0.113.7");
    Service headless = new ServiceBuilder().withNewSpec().withClusterIP("None").endSpec().build();
    assertThat(ProxyModel.addresses(headless)).isEmpty();
  }
}
