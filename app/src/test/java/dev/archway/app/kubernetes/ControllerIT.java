package dev.archway.app.kubernetes;

import static dev.archway.app.kubernetes.ControllerHarness.condition;
import static dev.archway.app.kubernetes.ControllerHarness.currentTrue;
import static dev.archway.app.kubernetes.Fixtures.LISTENER_PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.app.sync.CertificateAuthority;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code archway controller}'s pipeline against a real API server: statuses as the conformance
 * suite reads them, and requests through the address a Gateway reports.
 */
@ExtendWith(TestCluster.class)
class ControllerIT {
  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final String ns = "ctl-" + id;
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
    echo = NetnsEcho.start("echo-a");
  }

  @AfterEach
  void tearDown() {
    harness.close();
    echo.close();
    client.resources(GatewayClass.class).withName(className).delete();
    client.namespaces().withName(ns).delete();
    client.close();
  }

  private Gateway gateway(String name) {
    return client.resources(Gateway.class).inNamespace(ns).withName(name).get();
  }

  private HTTPRoute route(String name) {
    return client.resources(HTTPRoute.class).inNamespace(ns).withName(name).get();
  }

  private static Optional<RouteParentStatus> parent(
      HTTPRoute route, String gateway, String controller) {
    if (route.getStatus() == null) {
      return Optional.empty();
    }
    return route.getStatus().getParents().stream()
        .filter(p -> p.getParentRef().getName().equals(gateway))
        .filter(p -> p.getControllerName().equals(controller))
        .findFirst();
  }

  @Test
  void servesARouteOnTheReportedAddressAndFollowsEndpointChanges() throws Exception {
    client.resource(Fixtures.service(ns, "echo")).create();
    client.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, echo.port())).create();
    client.resource(Fixtures.gateway(ns, "gw", className)).create();
    client.resource(Fixtures.route(ns, "web", "/", "echo", "gw")).create();

    ControllerHarness.Replica replica =
        harness.start(client, "127.0.1.1-127.0.1.20", "lease-" + id, "a");

    // GatewayClass: Accepted at its generation.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              GatewayClass gc = client.resources(GatewayClass.class).withName(className).get();
              return gc.getStatus() != null
                  && currentTrue(gc.getStatus().getConditions(), "Accepted", gc);
            });
    // Gateway: Accepted and Programmed at its generation, an IPAddress from the range, listeners.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Gateway gw = gateway("gw");
              return gw.getStatus() != null
                  && currentTrue(gw.getStatus().getConditions(), "Accepted", gw)
                  && currentTrue(gw.getStatus().getConditions(), "Programmed", gw)
                  && !gw.getStatus().getAddresses().isEmpty();
            });
    Gateway gw = gateway("gw");
    GatewayStatusAddress address = gw.getStatus().getAddresses().get(0);
    assertThat(address.getType()).isEqualTo("IPAddress");
    assertThat(address.getValue())
        .startsWith("127.0.1.")
        .isEqualTo(replica.runner().addressOf(ns, "gw"));
    assertThat(gw.getStatus().getListeners()).hasSize(1);
    var listener = gw.getStatus().getListeners().get(0);
    assertThat(listener.getAttachedRoutes()).isEqualTo(1);
    for (String type : List.of("Accepted", "ResolvedRefs", "Programmed")) {
      assertThat(currentTrue(listener.getConditions(), type, gw)).as(type).isTrue();
    }
    assertThat(condition(gw.getStatus().getConditions(), "Programmed").getLastTransitionTime())
        .isNotBlank();
    // HTTPRoute: our parent entry, Accepted and ResolvedRefs at the route's generation.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              HTTPRoute r = route("web");
              return parent(r, "gw", ArchwayApi.CONTROLLER_NAME)
                  .filter(p -> currentTrue(p.getConditions(), "Accepted", r))
                  .filter(p -> currentTrue(p.getConditions(), "ResolvedRefs", r))
                  .isPresent();
            });

    // Traffic through the reported address reaches the echo backend found via the EndpointSlice.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> harness.get(address.getValue(), LISTENER_PORT, "/hello"),
            r -> r.equals(Optional.of("echo-a")));

    // A status that did not change is not written again: an unrelated change causes no write.
    long writes = replica.runner().statusWrites();
    String gatewayVersion = gateway("gw").getMetadata().getResourceVersion();
    client.resource(Fixtures.service(ns, "unrelated")).create();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                replica.statuses().view().resources().stream()
                    .anyMatch(r -> r.path("metadata").path("name").asString().equals("unrelated")));
    assertThat(replica.runner().statusWrites()).isEqualTo(writes);
    assertThat(gateway("gw").getMetadata().getResourceVersion()).isEqualTo(gatewayVersion);

    // Endpoint change: the slice now points at another backend; measure until traffic follows.
    // The endpoint fast path translates nothing: the counter of full translations stays.
    try (NetnsEcho second = NetnsEcho.start("echo-b")) {
      Fixtures.awaitQuiet(client, replica.statuses());
      long translations = replica.runner().translations();
      // A fresh backend JVM answers its first requests slowly (class loading): warm it up
      // directly, so that the figure below is the gateway's, not the new backend's.
      for (int i = 0; i < 20; i++) {
        assertThat(harness.get(NetnsEcho.ADDRESS, second.port(), "/")).contains("echo-b");
      }
      long start = System.nanoTime();
      client.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, second.port())).update();
      long written = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(5))
          .until(
              () -> harness.get(address.getValue(), LISTENER_PORT, "/hello"),
              r -> r.equals(Optional.of("echo-b")));
      Duration endToEnd = Duration.ofNanos(System.nanoTime() - start);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> replica.runner().lastEndpointLatency() != null);
      System.out.printf(
          "endpoint change: informer event to data plane %.1f ms; API update call to traffic %.1f"
              + " ms (the call itself %.1f ms)%n",
          replica.runner().lastEndpointLatency().toNanos() / 1e6,
          endToEnd.toNanos() / 1e6,
          (written - start) / 1e6);
      // Printed, not asserted: a timing bound would fail on a busy machine, not on a slow path. The
      // fast path itself is asserted: no translation and no status write happened.
      assertThat(replica.runner().translations()).isEqualTo(translations);
      assertThat(replica.runner().statusWrites()).isEqualTo(writes);
    }

    // A spec change bumps the generation; every condition follows it.
    HTTPRoute web = route("web");
    web.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("/hello");
    client.resource(web).update();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              HTTPRoute r = route("web");
              return r.getMetadata().getGeneration() == 2L
                  && parent(r, "gw", ArchwayApi.CONTROLLER_NAME)
                      .filter(
                          p ->
                              p.getConditions().stream()
                                  .allMatch(c -> c.getObservedGeneration() == 2L))
                      .isPresent();
            });
  }

  private static io.fabric8.kubernetes.api.model.Condition theirCondition() {
    return new io.fabric8.kubernetes.api.model.ConditionBuilder()
        .withType("Accepted")
        .withStatus("True")
        .withReason("Accepted")
        .withMessage("theirs")
        .withObservedGeneration(1L)
        .withLastTransitionTime("2025-01-01T00:00:00Z")
        .build();
  }

  @Test
  void reportsAListenerCertificateThatExpiresWhileServing() {
    // Valid for 20 s from now: long enough to be reported valid first, then it expires with no
    // resource changing; the certificate clock translates again.
    CertificateAuthority.Issued shortLived =
        CertificateAuthority.create("expiry", Clock.systemUTC())
            .issueServer(List.of("app.example.test"), Duration.ofSeconds(20));
    client.resource(Fixtures.tlsSecret(ns, "short-lived", shortLived)).create();
    Gateway created = Fixtures.gateway(ns, "gw", className);
    created
        .getSpec()
        .getListeners()
        .add(
            new ListenerBuilder()
                .withName("https")
                .withProtocol("HTTPS")
                .withPort(LISTENER_PORT + 1)
                .withNewTls()
                .withMode("Terminate")
                .addNewCertificateRef()
                .withName("short-lived")
                .endCertificateRef()
                .endTls()
                .build());
    client.resource(created).create();
    harness.start(client, "127.0.1.1-127.0.1.20", "lease-" + id, "a");

    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(() -> currentTrue(httpsListener().getConditions(), "ResolvedRefs", gateway("gw")));
    await()
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var resolved = condition(httpsListener().getConditions(), "ResolvedRefs");
              assertThat(resolved.getStatus()).isEqualTo("False");
              assertThat(resolved.getReason()).isEqualTo("InvalidCertificateRef");
              assertThat(resolved.getMessage()).contains("expired at");
            });
  }

  private ListenerStatus httpsListener() {
    return ControllerHarness.listenerStatus(gateway("gw"), "https");
  }

  @Test
  void leavesOtherControllersStatusesAloneAndDropsOurStaleRouteParents() {
    String foreignClass = "other-" + id;
    client.resource(Fixtures.gatewayClass(foreignClass, "example.com/other-controller")).create();
    try {
      client.resource(Fixtures.service(ns, "echo")).create();
      client.resource(Fixtures.gateway(ns, "ours", className)).create();
      client.resource(Fixtures.gateway(ns, "theirs", foreignClass)).create();
      client.resource(Fixtures.route(ns, "shared", "/", "echo", "ours", "theirs")).create();
      // The other controller has written its statuses.
      GatewayClass theirClass = client.resources(GatewayClass.class).withName(foreignClass).get();
      theirClass.setStatus(
          new io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatusBuilder()
              .addToConditions(theirCondition())
              .build());
      client.resource(theirClass).updateStatus();
      HTTPRoute shared = route("shared");
      shared.setStatus(
          new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder()
              .addNewParent()
              .withNewParentRef()
              .withName("theirs")
              .endParentRef()
              .withControllerName("example.com/other-controller")
              .addToConditions(theirCondition())
              .endParent()
              .build());
      client.resource(shared).updateStatus();
      String theirClassVersion =
          client
              .resources(GatewayClass.class)
              .withName(foreignClass)
              .get()
              .getMetadata()
              .getResourceVersion();
      String theirGatewayVersion = gateway("theirs").getMetadata().getResourceVersion();

      ControllerHarness.Replica replica =
          harness.start(client, "127.0.1.21-127.0.1.40", "lease-" + id, "a");

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> parent(route("shared"), "ours", ArchwayApi.CONTROLLER_NAME).isPresent());
      HTTPRoute written = route("shared");
      assertThat(written.getStatus().getParents()).hasSize(2);
      RouteParentStatus theirs =
          parent(written, "theirs", "example.com/other-controller").orElseThrow();
      assertThat(theirs.getConditions().get(0).getMessage()).isEqualTo("theirs");
      assertThat(theirs.getConditions().get(0).getLastTransitionTime())
          .isEqualTo("2025-01-01T00:00:00Z");
      // No parent entry of ours for the other controller's Gateway.
      assertThat(parent(written, "theirs", ArchwayApi.CONTROLLER_NAME)).isEmpty();
      // Their GatewayClass and Gateway were not written to.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  gateway("ours").getStatus() != null
                      && currentTrue(
                          gateway("ours").getStatus().getConditions(),
                          "Programmed",
                          gateway("ours")));
      assertThat(
              client
                  .resources(GatewayClass.class)
                  .withName(foreignClass)
                  .get()
                  .getMetadata()
                  .getResourceVersion())
          .isEqualTo(theirClassVersion);
      assertThat(gateway("theirs").getMetadata().getResourceVersion())
          .isEqualTo(theirGatewayVersion);

      // The route leaves our Gateway: our stale entry goes, theirs stays.
      HTTPRoute moved = route("shared");
      moved.getSpec().getParentRefs().removeIf(p -> p.getName().equals("ours"));
      client.resource(moved).update();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> parent(route("shared"), "ours", ArchwayApi.CONTROLLER_NAME).isEmpty());
      assertThat(route("shared").getStatus().getParents())
          .extracting(RouteParentStatus::getControllerName)
          .containsExactly("example.com/other-controller");
      assertThat(replica.runner().isLeader()).isTrue();
    } finally {
      client.resources(GatewayClass.class).withName(foreignClass).delete();
    }
  }

  @Test
  void aBadListenerOrRouteDoesNotStopTheGoodOnes() {
    client.resource(Fixtures.service(ns, "echo")).create();
    client.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, echo.port())).create();
    Gateway gw = Fixtures.gateway(ns, "gw", className);
    // A second listener with a protocol no implementation supports.
    gw.getSpec()
        .getListeners()
        .add(
            new io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder()
                .withName("odd")
                .withProtocol("example.com/unknown")
                .withPort(LISTENER_PORT + 1)
                .build());
    client.resource(gw).create();
    client.resource(Fixtures.route(ns, "good", "/good", "echo", "gw")).create();
    client.resource(Fixtures.route(ns, "no-backend", "/bad", "absent", "gw")).create();
    HTTPRoute wrongListener = Fixtures.route(ns, "wrong-listener", "/wrong", "echo", "gw");
    wrongListener.getSpec().getParentRefs().get(0).setSectionName("nope");
    client.resource(wrongListener).create();

    harness.start(client, "127.0.1.41-127.0.1.60", "lease-" + id, "a");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              HTTPRoute r = route("no-backend");
              return parent(r, "gw", ArchwayApi.CONTROLLER_NAME)
                  .filter(
                      p ->
                          p.getConditions().stream()
                              .anyMatch(
                                  c ->
                                      c.getType().equals("ResolvedRefs")
                                          && c.getStatus().equals("False")
                                          && c.getReason().equals("BackendNotFound")))
                  .isPresent();
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              HTTPRoute r = route("wrong-listener");
              return parent(r, "gw", ArchwayApi.CONTROLLER_NAME)
                  .filter(
                      p ->
                          p.getConditions().stream()
                              .anyMatch(
                                  c ->
                                      c.getType().equals("Accepted")
                                          && c.getStatus().equals("False")
                                          && c.getReason().equals("NoMatchingParent")))
                  .isPresent();
            });
    Gateway written = gateway("gw");
    assertThat(currentTrue(written.getStatus().getConditions(), "Accepted", written)).isTrue();
    var odd =
        written.getStatus().getListeners().stream()
            .filter(l -> l.getName().equals("odd"))
            .findFirst()
            .orElseThrow();
    assertThat(condition(odd.getConditions(), "Accepted").getStatus()).isEqualTo("False");
    assertThat(condition(odd.getConditions(), "Accepted").getReason())
        .isEqualTo("UnsupportedProtocol");
    String address = written.getStatus().getAddresses().get(0).getValue();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> harness.get(address, LISTENER_PORT, "/good"),
            r -> r.equals(Optional.of("echo-a")));
    assertThat(harness.get(address, LISTENER_PORT, "/bad")).contains("status 500");
  }

  /**
   * Only changes an Archway Gateway depends on are translated: another controller's Gateway and
   * route, a Service and a Namespace nothing looked up, and a ConfigMap nobody references make no
   * translation and no status write (the admin view shows them, so the controller did see them),
   * while creating a Service a route was missing, changing a Service a route uses, and labelling a
   * Namespace an allowedRoutes selector reads each make one, with the statuses and traffic they
   * call for, also after a translation that reused the routes (TranslationMemo).
   */
  @Test
  void translatesOnlyChangesArchwaysGatewaysDependOn() {
    String foreignClass = "other-" + id;
    String teams = ns + "-b";
    String bystander = ns + "-c";
    String label = "team-" + id;
    client.resource(Fixtures.gatewayClass(foreignClass, "example.com/other-controller")).create();
    Fixtures.namespace(client, teams);
    try {
      client.resource(Fixtures.service(ns, "echo")).create();
      client.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, echo.port())).create();
      client.resource(Fixtures.service(teams, "echo")).create();
      client.resource(Fixtures.slice(teams, "echo", NetnsEcho.ADDRESS, echo.port())).create();
      // The web route's first rule names a Service that does not exist yet; the team route is in
      // a namespace the selected listener's selector does not match yet.
      String manifests =
          """
          apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata: {name: gw, namespace: %1$s}
          spec:
            gatewayClassName: %2$s
            listeners:
            - {name: http, port: %3$d, protocol: HTTP}
            - name: selected
              port: %4$d
              protocol: HTTP
              allowedRoutes:
                namespaces:
                  from: Selector
                  selector: {matchLabels: {%5$s: allowed}}
          ---
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: web, namespace: %1$s}
          spec:
            parentRefs: [{name: gw, sectionName: http}]
            rules:
            - matches: [{path: {type: PathPrefix, value: /later}}]
              backendRefs: [{name: later, port: 8080}]
            - backendRefs: [{name: echo, port: 8080}]
          ---
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: team, namespace: %6$s}
          spec:
            parentRefs: [{name: gw, namespace: %1$s, sectionName: selected}]
            rules:
            - backendRefs: [{name: echo, port: 8080}]
          """
              .formatted(ns, className, LISTENER_PORT, LISTENER_PORT + 1, label, teams);
      client
          .load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)))
          .items()
          .forEach(o -> client.resource(o).create());

      ControllerHarness.Replica replica =
          harness.start(client, "127.0.1.101-127.0.1.120", "lease-" + id, "a");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                HTTPRoute web = route("web");
                HTTPRoute team = teamRoute(teams);
                return parentCondition(web, "ResolvedRefs", "False", "BackendNotFound")
                    && parentCondition(team, "Accepted", "False", "NotAllowedByListeners");
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  gateway("gw").getStatus() != null
                      && currentTrue(
                          gateway("gw").getStatus().getConditions(), "Programmed", gateway("gw")));
      String address = replica.runner().addressOf(ns, "gw");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> harness.get(address, LISTENER_PORT, "/hello"),
              r -> r.equals(Optional.of("echo-a")));
      assertThat(harness.get(address, LISTENER_PORT, "/later")).contains("status 500");
      assertThat(harness.get(address, LISTENER_PORT + 1, "/")).contains("status 404");

      Fixtures.awaitQuiet(client, replica.statuses());
      long translations = replica.runner().translations();
      long writes = replica.runner().statusWrites();

      // Not relevant: each change is awaited in the admin view (every object the controller
      // holds), then no translation may have happened.
      client
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withNamespace(ns)
                  .withName("unrelated")
                  .endMetadata()
                  .build())
          .create();
      client.resource(Fixtures.gateway(ns, "theirs", foreignClass)).create();
      awaitInView(replica, "Gateway", ns, "theirs", "");
      client.resource(Fixtures.route(ns, "their-route", "/", "echo", "theirs")).create();
      awaitInView(replica, "HTTPRoute", ns, "their-route", "");
      client
          .resources(Gateway.class)
          .inNamespace(ns)
          .withName("theirs")
          .edit(g -> relabelled(g, "changed"));
      awaitInView(replica, "Gateway", ns, "theirs", "changed");
      client
          .resources(HTTPRoute.class)
          .inNamespace(ns)
          .withName("their-route")
          .edit(r -> relabelled(r, "changed"));
      awaitInView(replica, "HTTPRoute", ns, "their-route", "changed");
      client.resource(Fixtures.service(ns, "unrelated")).create();
      awaitInView(replica, "Service", ns, "unrelated", "");
      Fixtures.namespace(client, bystander);
      client.namespaces().withName(bystander).edit(n -> relabelled(n, "changed"));
      awaitInView(replica, "Namespace", "", bystander, "changed");
      assertThat(replica.runner().translations()).isEqualTo(translations);
      assertThat(replica.runner().statusWrites()).isEqualTo(writes);
      // Their Gateway keeps the status the API server defaults (Pending) and ours has no entry.
      assertThat(gateway("theirs").getStatus().getConditions())
          .allMatch(c -> c.getReason().equals("Pending"));
      assertThat(parent(route("their-route"), "theirs", ArchwayApi.CONTROLLER_NAME)).isEmpty();

      // A route of Archway's is added, then changed: the second translation reuses the others
      // (nothing else changed since the first), and must still list what they looked up, or the
      // missing Service's creation below would look irrelevant.
      client.resource(Fixtures.route(ns, "extra", "/extra", "echo", "gw")).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> parentCondition(route("extra"), "Accepted", "True", "Accepted"));
      client
          .resources(HTTPRoute.class)
          .inNamespace(ns)
          .withName("extra")
          .edit(
              r -> {
                r.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue("/extra2");
                return r;
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> parentCondition(route("extra"), "Accepted", "True", "Accepted"));
      assertThat(replica.runner().lastReusedRoutes()).isGreaterThanOrEqualTo(2);
      translations = replica.runner().translations();

      // Relevant: the Service the route was missing appears.
      client.resource(Fixtures.service(ns, "later")).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> parentCondition(route("web"), "ResolvedRefs", "True", "ResolvedRefs"));
      assertThat(replica.runner().translations()).isGreaterThan(translations);
      client.resource(Fixtures.slice(ns, "later", NetnsEcho.ADDRESS, echo.port())).create();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> harness.get(address, LISTENER_PORT, "/later"),
              r -> r.equals(Optional.of("echo-a")));

      // Relevant: a Service a route uses changes (its port no longer the one referenced).
      translations = replica.runner().translations();
      client
          .services()
          .inNamespace(ns)
          .withName("later")
          .edit(
              svc -> {
                svc.getSpec().getPorts().get(0).setPort(9090);
                return svc;
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> parentCondition(route("web"), "ResolvedRefs", "False", "BackendNotFound"));
      assertThat(replica.runner().translations()).isGreaterThan(translations);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> harness.get(address, LISTENER_PORT, "/later"),
              r -> r.equals(Optional.of("status 500")));

      // Relevant: the route's namespace gets the label the listener selects.
      translations = replica.runner().translations();
      client
          .namespaces()
          .withName(teams)
          .edit(
              n -> {
                n.getMetadata().getLabels().put(label, "allowed");
                return n;
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> parentCondition(teamRoute(teams), "Accepted", "True", "Accepted"));
      assertThat(replica.runner().translations()).isGreaterThan(translations);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> harness.get(address, LISTENER_PORT + 1, "/"),
              r -> r.equals(Optional.of("echo-a")));
    } finally {
      client.resources(GatewayClass.class).withName(foreignClass).delete();
      client.namespaces().withName(teams).delete();
      client.namespaces().withName(bystander).delete();
    }
  }

  private HTTPRoute teamRoute(String namespace) {
    return client.resources(HTTPRoute.class).inNamespace(namespace).withName("team").get();
  }

  /** Whether the route's parent entry of Archway's has this condition, at its generation. */
  private static boolean parentCondition(
      HTTPRoute route, String type, String status, String reason) {
    return route.getStatus() != null
        && route.getStatus().getParents().stream()
            .filter(p -> p.getControllerName().equals(ArchwayApi.CONTROLLER_NAME))
            .flatMap(p -> p.getConditions().stream())
            .anyMatch(
                c ->
                    c.getType().equals(type)
                        && c.getStatus().equals(status)
                        && c.getReason().equals(reason)
                        && c.getObservedGeneration().equals(route.getMetadata().getGeneration()));
  }

  /** The object with label {@code test=value} added. */
  private static <T extends HasMetadata> T relabelled(T object, String value) {
    if (object.getMetadata().getLabels() == null) {
      object.getMetadata().setLabels(new HashMap<>());
    }
    object.getMetadata().getLabels().put("test", value);
    return object;
  }

  /**
   * Waits until the replica's admin view lists the object, with label {@code test=value} unless
   * {@code value} is empty: the controller has handled the change.
   */
  private static void awaitInView(
      ControllerHarness.Replica replica, String kind, String namespace, String name, String value) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                replica.statuses().view().resources().stream()
                    .anyMatch(
                        r ->
                            r.path("kind").asString().equals(kind)
                                && r.path("metadata")
                                    .path("namespace")
                                    .asString("")
                                    .equals(namespace)
                                && r.path("metadata").path("name").asString().equals(name)
                                && (value.isEmpty()
                                    || r.path("metadata")
                                        .path("labels")
                                        .path("test")
                                        .asString("")
                                        .equals(value))));
  }
}
