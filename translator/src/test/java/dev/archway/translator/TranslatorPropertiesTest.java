package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.ListenerConditionType;
import dev.archway.api.status.RouteConditionType;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.VirtualHost;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the translator over random resource sets, valid and invalid: it never throws, its
 * output does not depend on the order resources were added in, and every HTTPRoute Accepted by a
 * Gateway whose listeners are all Programmed is served by the IR.
 */
class TranslatorPropertiesTest {
  private static final RuntimeFacts FACTS =
      RuntimeFacts.NONE.withNow(Instant.parse("2027-01-01T00:00:00Z"));
  private static final List<String> NAMESPACES = List.of("default", "blue");
  private static final List<String> PROTOCOLS =
      List.of("HTTP", "HTTP", "HTTP", "TCP", "UDP", "FOO");
  private static final List<String> HOSTNAMES =
      Collections.unmodifiableList(
          new ArrayList<>(
              java.util.Arrays.asList(
                  null, "a.example.com", "*.example.com", "b.example.org", "Bad_Host")));
  private static final List<String> PATHS = List.of("/", "/a", "/a/b", "/a//b", "x");

  @Property(tries = 100)
  void translationNeverThrowsAndIsDeterministic(@ForAll("resources") List<HasMetadata> resources) {
    TranslationResult first = Translator.translate(snapshot(resources), FACTS);
    List<HasMetadata> reversed = new ArrayList<>(resources);
    Collections.reverse(reversed);
    TranslationResult second = Translator.translate(snapshot(reversed), FACTS);
    assertThat(GoldenTest.render(second)).isEqualTo(GoldenTest.render(first));
  }

  @Property(tries = 100)
  void everyAcceptedRouteOfAFullyProgrammedGatewayIsServed(
      @ForAll("resources") List<HasMetadata> resources) {
    TranslationResult result = Translator.translate(snapshot(resources), FACTS);
    Set<String> served = new TreeSet<>();
    for (GatewayIr gw : result.config().gateways()) {
      for (HttpListener l : gw.httpListeners()) {
        for (VirtualHost vh : l.virtualHosts()) {
          vh.routes().forEach(r -> served.add(r.name().replaceAll("/rule/.*", "")));
        }
      }
    }
    result
        .statuses()
        .forEach(
            (key, status) -> {
              if (!(status instanceof HTTPRouteStatus s)) {
                return;
              }
              for (var parent : s.getParents()) {
                String ns =
                    parent.getParentRef().getNamespace() == null
                        ? key.namespace()
                        : parent.getParentRef().getNamespace();
                var gwKey =
                    new dev.archway.api.snapshot.ResourceKey(
                        "Gateway", ns, parent.getParentRef().getName());
                GatewayStatus gw = (GatewayStatus) result.statuses().get(gwKey);
                boolean allProgrammed =
                    gw != null
                        && gw.getListeners().stream()
                            .allMatch(
                                l ->
                                    Conditions.isTrue(
                                        l.getConditions(), ListenerConditionType.PROGRAMMED));
                if (allProgrammed
                    && Conditions.isTrue(parent.getConditions(), RouteConditionType.ACCEPTED)) {
                  assertThat(served)
                      .as("IR routes of " + key)
                      .contains("httproute/" + key.namespace() + "/" + key.name());
                }
              }
            });
  }

  private static ResourceSnapshot snapshot(List<HasMetadata> resources) {
    return ResourceSnapshot.builder().addAll(resources).build();
  }

  @Provide
  Arbitrary<List<HasMetadata>> resources() {
    Arbitrary<List<HasMetadata>> gateways = gateway().list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<List<HasMetadata>> routes = route().list().ofMaxSize(6);
    return Combinators.combine(gateways, routes)
        .as(
            (gws, rs) -> {
              List<HasMetadata> all = new ArrayList<>(base());
              // Names must be unique per kind and namespace: index them.
              for (int i = 0; i < gws.size(); i++) {
                gws.get(i).getMetadata().setName("gw-" + i);
              }
              for (int i = 0; i < rs.size(); i++) {
                rs.get(i).getMetadata().setName("route-" + i);
              }
              all.addAll(gws);
              all.addAll(rs);
              return all;
            });
  }

  private static List<HasMetadata> base() {
    List<HasMetadata> base = new ArrayList<>();
    base.add(
        new GatewayClassBuilder()
            .withNewMetadata()
            .withName("archway")
            .withGeneration(1L)
            .endMetadata()
            .withNewSpec()
            .withControllerName("archway.dev/gateway-controller")
            .endSpec()
            .build());
    for (String ns : NAMESPACES) {
      base.add(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build());
    }
    base.add(
        new ServiceBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .addNewPort()
            .withName("http")
            .withPort(80)
            .endPort()
            .endSpec()
            .build());
    return base;
  }

  private Arbitrary<HasMetadata> gateway() {
    Arbitrary<io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener> listener =
        Combinators.combine(
                Arbitraries.of(PROTOCOLS),
                Arbitraries.of(80, 80, 8080, 0, 9000),
                Arbitraries.of(HOSTNAMES),
                Arbitraries.of("Same", "All", "None"))
            .as(
                (protocol, port, hostname, from) ->
                    new ListenerBuilder()
                        .withName("l")
                        .withProtocol(protocol)
                        .withPort(port)
                        .withHostname(protocol.equals("HTTP") ? hostname : null)
                        .withNewAllowedRoutes()
                        .withNewNamespaces()
                        .withFrom(from)
                        .endNamespaces()
                        .endAllowedRoutes()
                        .build());
    return Combinators.combine(
            listener.list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(NAMESPACES))
        .as(
            (listeners, ns) -> {
              for (int i = 0; i < listeners.size(); i++) {
                listeners.get(i).setName("l" + i);
              }
              return new GatewayBuilder()
                  .withNewMetadata()
                  .withName("gw")
                  .withNamespace(ns)
                  .withGeneration(1L)
                  .endMetadata()
                  .withNewSpec()
                  .withGatewayClassName("archway")
                  .withListeners(listeners)
                  .endSpec()
                  .build();
            });
  }

  private Arbitrary<HasMetadata> route() {
    Arbitrary<HasMetadata> http =
        Combinators.combine(
                Arbitraries.of(NAMESPACES),
                Arbitraries.integers().between(0, 2),
                Arbitraries.of(HOSTNAMES),
                Arbitraries.of(PATHS),
                Arbitraries.of("web", "missing"),
                Arbitraries.of(80, 81))
            .as(
                (ns, gw, hostname, path, backend, port) ->
                    new HTTPRouteBuilder()
                        .withNewMetadata()
                        .withName("r")
                        .withNamespace(ns)
                        .withGeneration(1L)
                        .endMetadata()
                        .withNewSpec()
                        .addNewParentRef()
                        .withName("gw-" + gw)
                        .withNamespace("default")
                        .endParentRef()
                        .withHostnames(hostname == null ? List.of() : List.of(hostname))
                        .addNewRule()
                        .addNewMatch()
                        .withNewPath()
                        .withType("PathPrefix")
                        .withValue(path)
                        .endPath()
                        .endMatch()
                        .addNewBackendRef()
                        .withName(backend)
                        .withNamespace("default")
                        .withPort(port)
                        .endBackendRef()
                        .endRule()
                        .endSpec()
                        .build());
    Arbitrary<HasMetadata> tcp =
        Arbitraries.integers()
            .between(0, 2)
            .map(
                gw ->
                    new TCPRouteBuilder()
                        .withNewMetadata()
                        .withName("r")
                        .withNamespace("default")
                        .withGeneration(1L)
                        .endMetadata()
                        .withNewSpec()
                        .addNewParentRef()
                        .withName("gw-" + gw)
                        .endParentRef()
                        .addNewRule()
                        .addNewBackendRef()
                        .withName("web")
                        .withPort(80)
                        .endBackendRef()
                        .endRule()
                        .endSpec()
                        .build());
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, http), net.jqwik.api.Tuple.of(1, tcp));
  }
}
