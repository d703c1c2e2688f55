package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.ManifestLoader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SupportedFeature;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranslationResultTest {
  private static final Path TESTDATA = Path.of("src/test/resources/testdata");

  private static ResourceSnapshot load(String name) {
    return ManifestLoader.load(
            List.of(TESTDATA.resolve("base/base.yaml"), TESTDATA.resolve(name + ".in.yaml")))
        .snapshot();
  }

  private static List<String> referenced(String name) {
    return Translator.referencedObjects(load(name)).stream().map(Object::toString).toList();
  }

  /**
   * The Secrets and ConfigMaps the Kubernetes provider watches: those a Gateway of Archway's
   * classes or a BackendTLSPolicy references where the reference is permitted, found or not; never
   * one a ReferenceGrant does not open.
   */
  @Test
  void referencedObjectsAreThePermittedReferencesOfArchwaysGatewaysAndBackendTlsPolicies() {
    assertThat(referenced("gateway-https-certificate-reference-grant-specific"))
        .containsExactly("Secret/blue/blue-cert");
    assertThat(referenced("gateway-https-invalid-certificate-ref-not-permitted")).isEmpty();
    assertThat(referenced("gateway-https-invalid-certificate-secret-not-found"))
        .containsExactly("Secret/default/nonexistent");
    assertThat(referenced("gateway-backend-client-certificate"))
        .containsExactly("Secret/default/example-com");
    assertThat(referenced("httproute-simple-same-namespace")).isEmpty();
    assertThat(referenced("gateway-frontend-client-certificate-validation"))
        .contains("ConfigMap/default/ca");
    assertThat(referenced("backendtlspolicy-invalid-ca-certificate-refs"))
        .containsExactly("ConfigMap/default/nonexistent", "ConfigMap/default/not-a-ca");
  }

  /**
   * What a translation looked up includes misses (a Service a route names that does not exist yet)
   * and the namespaces whose labels a listener's namespace selector was matched against.
   */
  @Test
  void lookupsIncludeMissingServicesAndSelectedNamespaces() {
    assertThat(lookups("httproute-backend-not-found"))
        .contains("Service/default/nope", "Service/default/web")
        .noneMatch(k -> k.startsWith("Namespace/"));
    assertThat(lookups("httproute-allowed-namespace-selector"))
        .contains("Namespace/blue", "Namespace/red");
  }

  private static List<String> lookups(String name) {
    return Translator.translate(load(name), RuntimeFacts.NONE).lookups().stream()
        .map(Object::toString)
        .toList();
  }

  private static List<String> supportedFeatures(GatewayRuntime runtime) {
    ResourceSnapshot snapshot = load("gatewayclass-accepted-with-supported-features");
    GatewayClass gc =
        snapshot.list(GatewayClass.class).stream()
            .filter(c -> c.getSpec().getControllerName().equals("archway.dev/gateway-controller"))
            .findFirst()
            .orElseThrow();
    GatewayClass withStatus =
        Translator.translate(snapshot, RuntimeFacts.NONE, runtime).withStatus(gc);
    return withStatus.getStatus().getSupportedFeatures().stream()
        .map(SupportedFeature::getName)
        .toList();
  }

  /**
   * Features that depend on where Gateways run: infrastructure propagation only with proxy
   * Deployments (the objects the conformance test looks for); static addresses in both (the host's
   * address pool, the proxy Service's external IPs). Either list stays sorted, as the spec asks.
   */
  @Test
  void runtimeDecidesTheAddressAndInfrastructureFeatures() {
    List<String> host = supportedFeatures(GatewayRuntime.HOST);
    List<String> kubernetes = supportedFeatures(GatewayRuntime.KUBERNETES);

    assertThat(host)
        .contains("GatewayStaticAddresses", "GatewayAddressEmpty", "HTTPRoute")
        .doesNotContain("GatewayInfrastructurePropagation")
        .isSorted();
    assertThat(kubernetes)
        .contains(
            "GatewayInfrastructurePropagation",
            "GatewayStaticAddresses",
            "GatewayAddressEmpty",
            "HTTPRoute")
        .isSorted();
    assertThat(kubernetes).containsAll(host);
    ResourceSnapshot snapshot = load("gatewayclass-accepted-with-supported-features");
    assertThat(Translator.translate(snapshot, RuntimeFacts.NONE).statuses())
        .as("the two-argument translate is the host runtime's")
        .isEqualTo(
            Translator.translate(snapshot, RuntimeFacts.NONE, GatewayRuntime.HOST).statuses());
  }

  @Test
  void withStatusReturnsADeepCopyAndLeavesTheInputAlone() {
    ResourceSnapshot snapshot = load("httproute-simple-same-namespace");
    TranslationResult result = Translator.translate(snapshot, RuntimeFacts.NONE);
    Gateway gateway = snapshot.find(Gateway.class, "default", "gw").orElseThrow();

    Gateway copy = result.withStatus(gateway);

    assertThat(copy).isNotSameAs(gateway);
    assertThat(gateway.getStatus()).isNull();
    assertThat(copy.getStatus().getListeners())
        .singleElement()
        .satisfies(l -> assertThat(l.getAttachedRoutes()).isEqualTo(1));
    assertThat(copy.getMetadata())
        .isNotSameAs(gateway.getMetadata())
        .isEqualTo(gateway.getMetadata());
    assertThat(copy.getSpec()).isEqualTo(gateway.getSpec());
    copy.getMetadata().setName("changed");
    assertThat(gateway.getMetadata().getName()).isEqualTo("gw");
  }

  @Test
  void withStatusReturnsTheSameObjectWithoutAComputedStatus() {
    ResourceSnapshot snapshot = load("gatewayclass-of-another-controller-is-ignored");
    TranslationResult result = Translator.translate(snapshot, RuntimeFacts.NONE);
    GatewayClass other = snapshot.find(GatewayClass.class, null, "other").orElseThrow();
    HTTPRoute route = snapshot.find(HTTPRoute.class, "default", "web").orElseThrow();

    assertThat(result.withStatus(other)).isSameAs(other);
    assertThat(result.withStatus(route)).isSameAs(route);
  }

  @Test
  void withStatusKeepsParentEntriesOfOtherControllers() {
    ResourceSnapshot snapshot = load("httproute-simple-same-namespace");
    TranslationResult result = Translator.translate(snapshot, RuntimeFacts.NONE);
    HTTPRoute route = snapshot.find(HTTPRoute.class, "default", "web").orElseThrow();
    RouteParentStatus foreign =
        new RouteParentStatusBuilder()
            .withControllerName("example.com/other")
            .withNewParentRef()
            .withName("theirs")
            .endParentRef()
            .build();
    RouteParentStatus staleOwn =
        new RouteParentStatusBuilder()
            .withControllerName("archway.dev/gateway-controller")
            .withNewParentRef()
            .withName("old")
            .endParentRef()
            .build();
    HTTPRoute withOldStatus =
        new HTTPRouteBuilder(route)
            .withStatus(new HTTPRouteStatus(List.of(foreign, staleOwn)))
            .build();

    HTTPRoute copy = result.withStatus(withOldStatus);

    assertThat(copy.getStatus().getParents())
        .extracting(p -> p.getParentRef().getName())
        .containsExactly("gw", "theirs");
  }

  @Test
  void problemsAreSortedOneLinePerFailingObject() {
    TranslationResult result =
        Translator.translate(
            load("gateway-invalid-listener-unsupported-protocol"), RuntimeFacts.NONE);

    assertThat(result.problems())
        .hasSize(3)
        .isSorted()
        .contains(
            "Gateway/default/gw: listener invalid: Accepted=False UnsupportedProtocol:"
                + " spec.listeners[1].protocol: \"INVALID\" is not supported (expected: HTTP,"
                + " HTTPS, TLS, TCP or UDP)");
  }

  @Test
  void statusesAreUnmodifiable() {
    TranslationResult result = Translator.translate(ResourceSnapshot.EMPTY, RuntimeFacts.NONE);
    assertThat(result.statuses()).isEmpty();
    assertThat(result.config().gateways()).isEmpty();
    assertThat(result.problems()).isEmpty();
    assertThatThrownBy(() -> result.statuses().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
