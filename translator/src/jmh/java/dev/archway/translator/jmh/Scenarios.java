package dev.archway.translator.jmh;

import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.v1alpha1.ArchwayApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic resource sets for the translator benchmarks: Gateways with several listeners, routes in
 * many namespaces with hostnames, several rules (prefix, exact, regex, header and query matches,
 * header modifiers), weighted backends, some of them cross-namespace behind ReferenceGrants, and a
 * Service with an EndpointSlice behind every backend. Deterministic: the same arguments give the
 * same resources.
 */
public final class Scenarios {
  static final String INFRA = "infra";
  static final String SHARED = "shared";
  static final int SHARED_SERVICES = 20;
  static final String CREATED = "2026-01-01T00:00:00Z";

  private Scenarios() {}

  /**
   * {@code gateways} Gateways in namespace infra, each with two HTTP listeners (port 80 for {@code
   * *.gw-N.example.com} from namespaces labelled team=app, port 8080 from all namespaces), and
   * {@code routesPerGateway} HTTPRoutes on each, spread over {@code namespaces} namespaces.
   */
  public static ResourceSnapshot manyGateways(int gateways, int routesPerGateway, int namespaces) {
    List<HasMetadata> all = base(namespaces, SERVICES_PER_NAMESPACE);
    for (int g = 0; g < gateways; g++) {
      String gw = "gw-" + g;
      String domain = gw + ".example.com";
      all.add(
          gateway(
              gw,
              List.of(
                  listener("http", 80, "*." + domain, "Selector"),
                  listener("alt", 8080, null, "All"))));
      for (int r = 0; r < routesPerGateway; r++) {
        int n = g * routesPerGateway + r;
        all.add(
            route(
                "route-" + n,
                "app-" + (n % namespaces),
                gw,
                List.of("r" + r + "." + domain, "www" + r + "." + domain),
                n));
      }
    }
    return ResourceSnapshot.builder().addAll(all).build();
  }

  /**
   * One Gateway in namespace infra with an HTTP listener on port 80 that takes routes from every
   * namespace, and {@code routes} HTTPRoutes on it spread over {@code namespaces} namespaces.
   */
  public static ResourceSnapshot oneGateway(int routes, int namespaces) {
    List<HasMetadata> all = base(namespaces, SERVICES_PER_NAMESPACE);
    all.add(gateway("big", List.of(listener("http", 80, null, "All"))));
    for (int n = 0; n < routes; n++) {
      all.add(
          route(
              "route-" + n,
              "app-" + (n % namespaces),
              "big",
              List.of("r" + n + ".example.com", "*.r" + n + ".example.org"),
              n));
    }
    return ResourceSnapshot.builder().addAll(all).build();
  }

  static final int SERVICES_PER_NAMESPACE = 10;

  /** The class, namespaces, Services with EndpointSlices, and ReferenceGrants into "shared". */
  private static List<HasMetadata> base(int namespaces, int servicesPerNamespace) {
    List<HasMetadata> all = new ArrayList<>();
    all.add(
        new GatewayClassBuilder()
            .withNewMetadata()
            .withName("archway")
            .withGeneration(1L)
            .endMetadata()
            .withNewSpec()
            .withControllerName(ArchwayApi.CONTROLLER_NAME)
            .endSpec()
            .build());
    all.add(namespace(INFRA, "infra"));
    all.add(namespace(SHARED, "shared"));
    for (int s = 0; s < SHARED_SERVICES; s++) {
      all.add(service(SHARED, "shared-" + s));
      all.add(slice(SHARED, "shared-" + s, s));
    }
    for (int i = 0; i < namespaces; i++) {
      String ns = "app-" + i;
      all.add(namespace(ns, "app"));
      for (int s = 0; s < servicesPerNamespace; s++) {
        all.add(service(ns, "svc-" + s));
        all.add(slice(ns, "svc-" + s, i * servicesPerNamespace + s));
      }
    }
    // A few grants: every app namespace may use the shared Services; one more names another kind.
    all.add(
        new ReferenceGrantBuilder()
            .withNewMetadata()
            .withNamespace(SHARED)
            .withName("from-apps")
            .endMetadata()
            .withNewSpec()
            .addAllToFrom(
                java.util.stream.IntStream.range(0, namespaces)
                    .mapToObj(
                        i ->
                            new io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFromBuilder()
                                .withGroup("gateway.networking.k8s.io")
                                .withKind("HTTPRoute")
                                .withNamespace("app-" + i)
                                .build())
                    .toList())
            .addNewTo()
            .withGroup("")
            .withKind("Service")
            .endTo()
            .endSpec()
            .build());
    for (int i = 0; i < 4; i++) {
      all.add(
          new ReferenceGrantBuilder()
              .withNewMetadata()
              .withNamespace(SHARED)
              .withName("secrets-" + i)
              .endMetadata()
              .withNewSpec()
              .addNewFrom()
              .withGroup("gateway.networking.k8s.io")
              .withKind("Gateway")
              .withNamespace(INFRA)
              .endFrom()
              .addNewTo()
              .withGroup("")
              .withKind("Secret")
              .withName("cert-" + i)
              .endTo()
              .endSpec()
              .build());
    }
    return all;
  }

  private static HasMetadata namespace(String name, String team) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("team", team)
        .endMetadata()
        .build();
  }

  private static Listener listener(String name, int port, String hostname, String from) {
    ListenerBuilder b =
        new ListenerBuilder()
            .withName(name)
            .withPort(port)
            .withProtocol("HTTP")
            .withHostname(hostname)
            .withNewAllowedRoutes()
            .withNewNamespaces()
            .withFrom(from)
            .endNamespaces()
            .endAllowedRoutes();
    if (from.equals("Selector")) {
      b.editAllowedRoutes()
          .editNamespaces()
          .withNewSelector()
          .addToMatchLabels("team", "app")
          .endSelector()
          .endNamespaces()
          .endAllowedRoutes();
    }
    return b.build();
  }

  private static HasMetadata gateway(String name, List<Listener> listeners) {
    return new GatewayBuilder()
        .withNewMetadata()
        .withNamespace(INFRA)
        .withName(name)
        .withGeneration(1L)
        .withCreationTimestamp(CREATED)
        .endMetadata()
        .withNewSpec()
        .withGatewayClassName("archway")
        .withListeners(listeners)
        .endSpec()
        .build();
  }

  private static HasMetadata service(String namespace, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withNewTargetPort(8080)
        .endPort()
        .addNewPort()
        .withName("grpc")
        .withPort(9000)
        .withAppProtocol("kubernetes.io/h2c")
        .endPort()
        .endSpec()
        .build();
  }

  private static HasMetadata slice(String namespace, String service, int n) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(service + "-abcde")
            .addToLabels("kubernetes.io/service-name", service)
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withName("http")
            .withPort(8080)
            .endPort()
            .addNewPort()
            .withName("grpc")
            .withPort(9090)
            .endPort();
    for (int e = 0; e < 3; e++) {
      b.addToEndpoints(
          new EndpointBuilder()
              .withAddresses("10." + (n / 250 % 250) + "." + (n % 250) + "." + (e + 1))
              .withNewConditions()
              .withReady(true)
              .endConditions()
              .build());
    }
    return b.build();
  }

  /**
   * An HTTPRoute with four rules: a prefix with a header match and a request header modifier,
   * split between a local and a shared (cross-namespace) Service; an exact path with a query
   * match; a regular expression with a method; and a prefix with a response header modifier.
   */
  private static HasMetadata route(
      String name, String namespace, String gateway, List<String> hostnames, int n) {
    String svc = "svc-" + (n % SERVICES_PER_NAMESPACE);
    List<HTTPRouteRule> rules = new ArrayList<>();
    rules.add(
        new HTTPRouteRuleBuilder()
            .addNewMatch()
            .withNewPath()
            .withType("PathPrefix")
            .withValue("/api/v" + (n % 3))
            .endPath()
            .addNewHeader()
            .withName("x-tenant")
            .withValue("t" + (n % 7))
            .endHeader()
            .endMatch()
            .addNewFilter()
            .withType("RequestHeaderModifier")
            .withNewRequestHeaderModifier()
            .addNewSet()
            .withName("x-route")
            .withValue(name)
            .endSet()
            .addToRemove("x-debug")
            .endRequestHeaderModifier()
            .endFilter()
            .withBackendRefs(
                backend(svc, null, 80, 80), backend("shared-" + (n % SHARED_SERVICES), SHARED, 80, 20))
            .build());
    rules.add(
        new HTTPRouteRuleBuilder()
            .addNewMatch()
            .withNewPath()
            .withType("Exact")
            .withValue("/health")
            .endPath()
            .addNewQueryParam()
            .withName("verbose")
            .withValue("1")
            .endQueryParam()
            .endMatch()
            .withBackendRefs(backend(svc, null, 80, 1))
            .build());
    rules.add(
        new HTTPRouteRuleBuilder()
            .addNewMatch()
            .withNewPath()
            .withType("RegularExpression")
            .withValue("/items/[0-9]+/detail")
            .endPath()
            .withMethod("GET")
            .endMatch()
            .withBackendRefs(backend(svc, null, 9000, 1))
            .build());
    rules.add(
        new HTTPRouteRuleBuilder()
            .addNewMatch()
            .withNewPath()
            .withType("PathPrefix")
            .withValue("/")
            .endPath()
            .endMatch()
            .addNewFilter()
            .withType("ResponseHeaderModifier")
            .withNewResponseHeaderModifier()
            .addNewAdd()
            .withName("x-served-by")
            .withValue("archway")
            .endAdd()
            .endResponseHeaderModifier()
            .endFilter()
            .withBackendRefs(backend(svc, null, 80, 1))
            .build());
    return new HTTPRouteBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withGeneration(1L)
        .withCreationTimestamp(CREATED)
        .endMetadata()
        .withNewSpec()
        .addNewParentRef()
        .withName(gateway)
        .withNamespace(INFRA)
        .endParentRef()
        .withHostnames(hostnames)
        .withRules(rules)
        .endSpec()
        .build();
  }

  private static HTTPBackendRef backend(String name, String namespace, int port, int weight) {
    return new HTTPBackendRefBuilder()
        .withName(name)
        .withNamespace(namespace)
        .withPort(port)
        .withWeight(weight)
        .build();
  }
}
