package dev.archway.app.kubernetes;

import static dev.archway.app.kubernetes.ControllerHarness.currentTrue;
import static dev.archway.app.kubernetes.Fixtures.LISTENER_PORT;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.ArchwayApi;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The controller with many HTTPRoutes on one Gateway (1,000; {@code -Darchway.scale.routes=N} for
 * more) through a real API server: every route gets its status, and each of a series of one-route
 * changes is served. How long that takes is printed for docs/benchmarks.md (*Kubernetes mode*), not
 * asserted: a bound would fail on a busy machine, not on a slow path.
 */
@ExtendWith(TestCluster.class)
class ControllerScaleIT {
  private static final int ROUTES = Integer.getInteger("archway.scale.routes", 1000);
  private static final int CHANGES = Integer.getInteger("archway.scale.changes", 20);

  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final String ns = "scale-" + id;
  private final String className = "archway-" + id;
  private KubernetesClient client;
  private ControllerHarness harness;
  private NetnsEcho echo;

  @BeforeEach
  void setUp() throws Exception {
    client = TestCluster.cluster().client();
    harness = new ControllerHarness();
    Fixtures.namespace(client, ns);
    client.resource(Fixtures.archwayClass(className)).create();
    echo = NetnsEcho.start("echo-scale");
  }

  @AfterEach
  void tearDown() {
    harness.close();
    echo.close();
    client.resources(GatewayClass.class).withName(className).delete();
    client.namespaces().withName(ns).delete();
    client.close();
  }

  private boolean accepted(HTTPRoute route) {
    if (route.getStatus() == null) {
      return false;
    }
    return route.getStatus().getParents().stream()
        .filter(p -> p.getControllerName().equals(ArchwayApi.CONTROLLER_NAME))
        .map(RouteParentStatus::getConditions)
        .anyMatch(c -> currentTrue(c, "Accepted", route) && currentTrue(c, "ResolvedRefs", route));
  }

  /** The first address in the Gateway's status, once there is one. */
  private Optional<String> gatewayAddress() {
    Gateway gw = client.resources(Gateway.class).inNamespace(ns).withName("gw").get();
    if (gw.getStatus() == null || gw.getStatus().getAddresses().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(gw.getStatus().getAddresses().get(0).getValue());
  }

  private long acceptedRoutes() {
    return client.resources(HTTPRoute.class).inNamespace(ns).list().getItems().stream()
        .filter(this::accepted)
        .count();
  }

  @Test
  void everyRouteGetsItsStatusAndEachOneRouteChangeIsServed() {
    client.resource(Fixtures.service(ns, "echo")).create();
    client.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, echo.port())).create();
    client.resource(Fixtures.gateway(ns, "gw", className)).create();
    long createStart = System.nanoTime();
    for (int i = 0; i < ROUTES; i++) {
      client.resource(Fixtures.route(ns, "r" + i, "/r" + i + "/", "echo", "gw")).create();
    }
    double createSeconds = (System.nanoTime() - createStart) / 1e9;

    long start = System.nanoTime();
    harness.start(client, "127.0.1.21-127.0.1.30", "lease-" + id, "a");
    String address =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(this::gatewayAddress, Optional::isPresent)
            .orElseThrow();
    String last = "/r" + (ROUTES - 1) + "/";
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> harness.get(address, LISTENER_PORT, last),
            r -> r.equals(Optional.of("echo-scale")));
    double servingSeconds = (System.nanoTime() - start) / 1e9;
    await()
        .atMost(Duration.ofSeconds(300))
        .pollInterval(Duration.ofSeconds(1))
        .until(this::acceptedRoutes, n -> n == ROUTES);
    double statusSeconds = (System.nanoTime() - start) / 1e9;

    // One route's path changes, a different route each time: from the API call to the first 200.
    List<Double> millis = new ArrayList<>();
    for (int c = 0; c < CHANGES; c++) {
      String name = "r" + (c * (ROUTES / CHANGES));
      String path = "/changed-" + c + "/";
      HTTPRoute route = client.resources(HTTPRoute.class).inNamespace(ns).withName(name).get();
      route.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue(path);
      long t0 = System.nanoTime();
      client.resource(route).update();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> harness.get(address, LISTENER_PORT, path),
              r -> r.equals(Optional.of("echo-scale")));
      millis.add((System.nanoTime() - t0) / 1e6);
    }
    // Each changed route's status follows its new generation.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(this::acceptedRoutes, n -> n == ROUTES);

    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf(
        "scale: %d routes created in %.1f s; from the controller's start: the last route served"
            + " after %.1f s, every route Accepted after %.1f s; %d one-route changes, API call to"
            + " the first 200: median %.0f ms, max %.0f ms (in order: %s)%n",
        ROUTES,
        createSeconds,
        servingSeconds,
        statusSeconds,
        CHANGES,
        sorted.get(sorted.size() / 2),
        sorted.get(sorted.size() - 1),
        millis.stream().map(m -> String.valueOf(Math.round(m))).toList());
  }
}
