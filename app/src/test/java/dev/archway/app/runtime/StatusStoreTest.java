package dev.archway.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.ManifestLoader;
import dev.archway.translator.Translator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class StatusStoreTest {
  private static final String GATEWAY =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: archway}
      spec: {controllerName: archway.dev/gateway-controller}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: default}
      spec:
        gatewayClassName: archway
        listeners: [{name: http, port: 8080, protocol: HTTP}]
      ---
      apiVersion: archway.dev/v1alpha1
      kind: Backend
      metadata: {name: app, namespace: default}
      spec: {endpoints: [{ip: {address: 127.0.0.1, port: 9000}}]}
      """;

  private static String route(String name, String backend) {
    return """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: %s, namespace: default}
        spec:
          parentRefs: [{name: gw}]
          rules: [{backendRefs: [{group: archway.dev, kind: Backend, name: %s}]}]
        """
        .formatted(name, backend);
  }

  @TempDir Path dir;

  private List<HasMetadata> load(String name, String yaml) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return ManifestLoader.loadFile(file).snapshot().all();
  }

  private static StatusStore.View publish(StatusStore store, List<HasMetadata> all, String time) {
    ResourceSnapshot snapshot = ResourceSnapshot.builder().addAll(all).build();
    return store.publish(
        snapshot, Translator.translate(snapshot, RuntimeFacts.NONE), Instant.parse(time));
  }

  private static List<HasMetadata> concat(List<HasMetadata> a, List<HasMetadata> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  @Test
  void anUnchangedResourceKeepsItsPublishedStatusAndTimes() throws IOException {
    List<HasMetadata> gateway = load("gw.yaml", GATEWAY);
    List<HasMetadata> kept = load("kept.yaml", route("kept", "app"));
    StatusStore store = new StatusStore();
    StatusStore.View first = publish(store, concat(gateway, kept), "2026-01-01T00:00:00Z");
    JsonNode keptStatus = first.statuses().get("HTTPRoute/default/kept");

    List<HasMetadata> added = load("added.yaml", route("added", "app"));
    StatusStore.View second =
        publish(store, concat(concat(gateway, kept), added), "2026-01-01T00:01:00Z");

    // Same resource object, same computed status: the very node published before.
    assertThat(second.statuses().get("HTTPRoute/default/kept")).isSameAs(keptStatus);
    assertThat(second.statuses().get("HTTPRoute/default/added").toString())
        .contains("2026-01-01T00:01:00Z");
    // The Gateway's status changed (attachedRoutes 1 -> 2): rendered again, and its Accepted
    // condition, still True, keeps the time it became True.
    JsonNode gatewayStatus = second.statuses().get("Gateway/default/gw");
    assertThat(gatewayStatus).isNotSameAs(first.statuses().get("Gateway/default/gw"));
    assertThat(gatewayStatus.at("/listeners/0/attachedRoutes").asInt()).isEqualTo(2);
    assertThat(gatewayStatus.at("/conditions/0/lastTransitionTime").asString())
        .isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void anUnchangedResourceWhoseStatusChangedIsRenderedAgain() throws IOException {
    List<HasMetadata> gateway = load("gw.yaml", GATEWAY);
    List<HasMetadata> routes = load("routes.yaml", route("web", "missing"));
    StatusStore store = new StatusStore();
    StatusStore.View first = publish(store, concat(gateway, routes), "2026-01-01T00:00:00Z");
    assertThat(first.statuses().get("HTTPRoute/default/web").toString())
        .contains("BackendNotFound");

    List<HasMetadata> backend =
        load(
            "missing.yaml",
            """
            apiVersion: archway.dev/v1alpha1
            kind: Backend
            metadata: {name: missing, namespace: default}
            spec: {endpoints: [{ip: {address: 127.0.0.1, port: 9001}}]}
            """);
    StatusStore.View second =
        publish(store, concat(concat(gateway, routes), backend), "2026-01-01T00:01:00Z");

    // The route object is the same, but the Backend it names now exists.
    JsonNode status = second.statuses().get("HTTPRoute/default/web");
    assertThat(status.toString()).doesNotContain("BackendNotFound");
    JsonNode resolvedRefs = null;
    for (JsonNode condition : status.at("/parents/0/conditions")) {
      if (condition.get("type").asString().equals("ResolvedRefs")) {
        resolvedRefs = condition;
      }
    }
    assertThat(resolvedRefs).isNotNull();
    assertThat(resolvedRefs.get("status").asString()).isEqualTo("True");
    assertThat(resolvedRefs.get("lastTransitionTime").asString()).isEqualTo("2026-01-01T00:01:00Z");
  }

  /**
   * The admin API's resources: each as loaded, with Archway's stamped status in place of its own
   * and other controllers' route parents kept.
   */
  @Test
  void resourcesCarryTheirSpecAndTheStampedStatusWithOtherControllersParents() throws IOException {
    List<HasMetadata> gateway = load("gw.yaml", GATEWAY);
    List<HasMetadata> shared =
        load(
            "shared.yaml",
            route("shared", "app")
                + """
                status:
                  parents:
                  - parentRef: {name: elsewhere}
                    controllerName: example.com/other
                    conditions: [{type: Accepted, status: "True", reason: Accepted,
                                  lastTransitionTime: "2025-01-01T00:00:00Z"}]
                """);
    StatusStore store = new StatusStore();
    StatusStore.View view = publish(store, concat(gateway, shared), "2026-01-01T00:00:00Z");

    JsonNode route = null;
    for (JsonNode r : view.resources()) {
      if (r.at("/metadata/name").asString().equals("shared")) {
        route = r;
      }
    }
    assertThat(route).isNotNull();
    assertThat(route.at("/spec/parentRefs/0/name").asString()).isEqualTo("gw");
    assertThat(route.at("/status/parents/0/controllerName").asString())
        .isEqualTo("archway.dev/gateway-controller");
    assertThat(route.at("/status/parents/0/conditions/0/lastTransitionTime").asString())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(route.at("/status/parents/1/controllerName").asString())
        .isEqualTo("example.com/other");
    assertThat(route.get("status")).isEqualTo(view.statuses().get("HTTPRoute/default/shared"));
    // Resources without a status of Archway's are shown as loaded.
    assertThat(view.resources())
        .anySatisfy(r -> assertThat(r.at("/kind").asString()).isEqualTo("Backend"));
  }

  /** The summary order made from the natural order equals sorting by it, unknown kinds last. */
  @Test
  void summaryOrderFromTheNaturalOrderEqualsSortingByIt() {
    String[] kinds = {"HTTPRoute", "Gateway", "GatewayClass", "TCPRoute", "Zebra", "Alpaca"};
    Random random = new Random(5);
    for (int round = 0; round < 100; round++) {
      SortedMap<ResourceKey, Object> statuses = new TreeMap<>();
      for (int i = random.nextInt(30); i > 0; i--) {
        statuses.put(
            new ResourceKey(
                kinds[random.nextInt(kinds.length)],
                "ns" + random.nextInt(3),
                "n" + random.nextInt(5)),
            "status");
      }
      assertThat(StatusStore.inSummaryOrder(statuses))
          .containsExactlyElementsOf(
              statuses.keySet().stream().sorted(StatusStore.SUMMARY_ORDER).toList());
    }
  }
}
