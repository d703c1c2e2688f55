package dev.archway.app.kubernetes;

import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.app.runtime.StatusStore;
import dev.archway.app.sync.CertificateAuthority;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/** Resources as a user would apply them, built with fabric8. */
final class Fixtures {
  static final int LISTENER_PORT = 18080;

  private Fixtures() {}

  /**
   * Waits until no namespace is being deleted and the controller whose statuses are {@code
   * statuses} has translated the deletions: earlier tests' namespaces are emptied by the
   * controller-manager over seconds, and the controllers under test watch the whole cluster, so a
   * test that counts the controller's work waits for that to be over first.
   */
  static void awaitQuiet(KubernetesClient client, StatusStore statuses) {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(120))
        .until(
            () -> {
              java.util.Set<String> live = new java.util.HashSet<>();
              for (var n : client.namespaces().list().getItems()) {
                if (n.getStatus() != null && "Terminating".equals(n.getStatus().getPhase())) {
                  return false;
                }
                live.add(n.getMetadata().getName());
              }
              // The API server's list can be ahead of the informers: a namespace of an earlier
              // test that is gone from the list may still be in the replica's snapshot, and its
              // deletion event would then land in the caller's measurement.
              java.util.Set<String> seen = new java.util.HashSet<>();
              for (var r : statuses.view().resources()) {
                String ns = r.path("metadata").path("namespace").asString("");
                if (!ns.isEmpty() && !live.contains(ns)) {
                  return false;
                }
                if (r.path("kind").asString("").equals("Namespace")) {
                  seen.add(r.path("metadata").path("name").asString(""));
                }
              }
              return seen.equals(live);
            });
  }

  static void namespace(KubernetesClient client, String name) {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  static GatewayClass gatewayClass(String name, String controllerName) {
    return new GatewayClassBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withControllerName(controllerName)
        .endSpec()
        .build();
  }

  static GatewayClass archwayClass(String name) {
    return gatewayClass(name, ArchwayApi.CONTROLLER_NAME);
  }

  /** A Gateway with one HTTP listener named {@code http} on {@link #LISTENER_PORT}. */
  static Gateway gateway(String namespace, String name, String className) {
    return new GatewayBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withGatewayClassName(className)
        .addNewListener()
        .withName("http")
        .withProtocol("HTTP")
        .withPort(LISTENER_PORT)
        .endListener()
        .endSpec()
        .build();
  }

  /** A route from {@code prefix} to port 8080 of {@code service}, attached to the Gateways. */
  static HTTPRoute route(
      String namespace, String name, String prefix, String service, String... gateways) {
    HTTPRouteBuilder builder =
        new HTTPRouteBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata();
    var spec = builder.withNewSpec();
    for (String gateway : gateways) {
      spec.addNewParentRef().withName(gateway).endParentRef();
    }
    return spec.addNewRule()
        .addNewMatch()
        .withNewPath()
        .withType("PathPrefix")
        .withValue(prefix)
        .endPath()
        .endMatch()
        .addNewBackendRef()
        .withName(service)
        .withPort(8080)
        .endBackendRef()
        .endRule()
        .endSpec()
        .build();
  }

  /** A Service without a selector: its endpoints are hand-written EndpointSlices. */
  static Service service(String namespace, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withName("http")
        .withPort(8080)
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /** One ready endpoint at {@code address:port}, for port {@code http} of the Service. */
  static EndpointSlice slice(String namespace, String service, String address, int port) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(service + "-1")
        .addToLabels("kubernetes.io/service-name", service)
        .addToLabels("endpointslice.kubernetes.io/managed-by", "archway-tests")
        .endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint()
        .withAddresses(address)
        .withNewConditions()
        .withReady(true)
        .endConditions()
        .endEndpoint()
        .addNewPort()
        .withName("http")
        .withPort(port)
        .withProtocol("TCP")
        .endPort()
        .build();
  }

  /**
   * The chart's ServiceAccount and RBAC objects for a release named {@code release} in {@code
   * namespace}, rendered with {@code helmOptions}, not applied.
   */
  static List<HasMetadata> chartRbac(
      KubernetesClient client, String release, String namespace, String... helmOptions)
      throws Exception {
    List<String> options = new ArrayList<>(List.of("--set", "nameOverride=" + release));
    options.addAll(List.of(helmOptions));
    String manifests = HelmIT.template(release, namespace, options.toArray(String[]::new));
    return client
        .load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)))
        .items()
        .stream()
        .filter(
            o ->
                Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")
                    .contains(o.getKind()))
        .toList();
  }

  /** A {@code kubernetes.io/tls} Secret holding {@code issued}. */
  static Secret tlsSecret(String namespace, String name, CertificateAuthority.Issued issued) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withType("kubernetes.io/tls")
        .addToData("tls.crt", base64(issued.certificatePem()))
        .addToData("tls.key", base64(issued.keyPem()))
        .build();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
