package dev.archway.app.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.v1alpha1.ArchwayApi;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two controller replicas in one JVM share a Lease: only the leader writes statuses, and when it
 * stops the other takes over and writes; a Lease left by a crashed leader is taken over once it
 * expires.
 */
@ExtendWith(TestCluster.class)
class LeaderFailoverIT {
  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final String ns = "failover-" + id;
  private final String className = "archway-" + id;
  private KubernetesClient client;
  private ControllerHarness harness;

  @BeforeEach
  void setUp() {
    client = TestCluster.cluster().client();
    harness = new ControllerHarness();
    Fixtures.namespace(client, ns);
    client.resource(Fixtures.archwayClass(className)).create();
  }

  @AfterEach
  void tearDown() {
    harness.close();
    client.resources(GatewayClass.class).withName(className).delete();
    client.namespaces().withName(ns).delete();
    client.close();
  }

  private HTTPRoute route() {
    return client.resources(HTTPRoute.class).inNamespace(ns).withName("web").get();
  }

  private Gateway gateway() {
    return client.resources(Gateway.class).inNamespace(ns).withName("gw").get();
  }

  /** Whether our parent entry's conditions all carry this observedGeneration. */
  private boolean routeObserved(long generation) {
    HTTPRoute r = route();
    return r.getStatus() != null
        && r.getStatus().getParents().stream()
            .filter(p -> p.getControllerName().equals(ArchwayApi.CONTROLLER_NAME))
            .anyMatch(
                p ->
                    !p.getConditions().isEmpty()
                        && p.getConditions().stream()
                            .allMatch(c -> c.getObservedGeneration() == generation));
  }

  private String reportedAddress() {
    Gateway gw = gateway();
    return gw.getStatus() == null || gw.getStatus().getAddresses().isEmpty()
        ? null
        : gw.getStatus().getAddresses().get(0).getValue();
  }

  private void bumpRoute(String prefix) {
    HTTPRoute web = route();
    web.getSpec().getRules().get(0).getMatches().get(0).getPath().setValue(prefix);
    client.resource(web).update();
  }

  @Test
  void onlyTheLeaderWritesAndTheStandbyTakesOver() {
    client.resource(Fixtures.service(ns, "echo")).create();
    client.resource(Fixtures.gateway(ns, "gw", className)).create();
    client.resource(Fixtures.route(ns, "web", "/", "echo", "gw")).create();
    String lease = "lease-" + id;

    ControllerHarness.Replica a = harness.start(client, "127.0.1.61-127.0.1.70", lease, "a-" + id);
    await().atMost(Duration.ofSeconds(20)).until(() -> a.runner().isLeader());
    ControllerHarness.Replica b = harness.start(client, "127.0.1.71-127.0.1.80", lease, "b-" + id);
    await().atMost(Duration.ofSeconds(20)).until(() -> routeObserved(1));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> a.runner().addressOf(ns, "gw").equals(reportedAddress()));

    // A change while A leads: A writes it, B (serving traffic too) writes nothing.
    bumpRoute("/v2");
    await().atMost(Duration.ofSeconds(20)).until(() -> routeObserved(2));
    assertThat(a.runner().statusWrites()).isPositive();
    assertThat(b.runner().isLeader()).isFalse();
    assertThat(b.runner().statusWrites()).isZero();
    assertThat(b.runner().serving()).isTrue();

    // A stops (releasing the Lease): B leads and writes its own view, e.g. its Gateway address.
    a.runner().close();
    assertThat(a.runner().isLeader()).isFalse();
    await().atMost(Duration.ofSeconds(20)).until(() -> b.runner().isLeader());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> b.runner().addressOf(ns, "gw").equals(reportedAddress()));
    long aWrites = a.runner().statusWrites();

    bumpRoute("/v3");
    await().atMost(Duration.ofSeconds(20)).until(() -> routeObserved(3));
    assertThat(b.runner().statusWrites()).isPositive();
    assertThat(a.runner().statusWrites()).isEqualTo(aWrites);
  }

  /**
   * A leader that crashed leaves its Lease behind, neither renewed nor released: a replica serves
   * meanwhile but writes nothing, and takes over only once the Lease has expired.
   */
  @Test
  void aCrashedLeadersLeaseIsTakenOverOnceItExpires() {
    client.resource(Fixtures.service(ns, "echo")).create();
    client.resource(Fixtures.gateway(ns, "gw", className)).create();
    client.resource(Fixtures.route(ns, "web", "/", "echo", "gw")).create();
    String lease = "lease-" + id;
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    client
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName(lease)
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("crashed-" + id)
                .withLeaseDurationSeconds(15)
                .withAcquireTime(now)
                .withRenewTime(now)
                .endSpec()
                .build())
        .create();

    ControllerHarness.Replica a = harness.start(client, "127.0.1.81-127.0.1.90", lease, "a-" + id);
    // Started within the crashed leader's 15 s: serving, not leading, nothing written.
    await().atMost(Duration.ofSeconds(10)).until(() -> a.runner().serving());
    assertThat(a.runner().isLeader()).isFalse();
    assertThat(a.runner().statusWrites()).isZero();
    assertThat(route().getStatus()).isNull();
    assertThat(leaseHolder(lease)).isEqualTo("crashed-" + id);

    // Expired: taken over, and the statuses are written.
    await().atMost(Duration.ofSeconds(60)).until(() -> a.runner().isLeader());
    assertThat(leaseHolder(lease)).isEqualTo("a-" + id);
    await().atMost(Duration.ofSeconds(20)).until(() -> routeObserved(1));
    assertThat(a.runner().statusWrites()).isPositive();
  }

  private String leaseHolder(String lease) {
    return client
        .resources(Lease.class)
        .inNamespace("default")
        .withName(lease)
        .get()
        .getSpec()
        .getHolderIdentity();
  }
}
