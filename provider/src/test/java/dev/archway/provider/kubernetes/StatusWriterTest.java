package dev.archway.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.v1alpha1.ArchwayApi;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status writer against fabric8's mock API server (CRUD mode, which does not check
 * resourceVersion; {@link StatusWriterConflictTest} covers conflicts).
 */
@EnableKubernetesMockClient(crud = true)
class StatusWriterTest {
  static KubernetesClient client;

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private static final ResourceKey ROUTE = new ResourceKey("HTTPRoute", "default", "web");

  @BeforeEach
  void createRoute() {
    client.resources(HTTPRoute.class).inNamespace("default").withName("web").delete();
    HTTPRoute route =
        new HTTPRouteBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .withGeneration(3L)
            .endMetadata()
            .withNewSpec()
            .addNewParentRef()
            .withName("gw")
            .endParentRef()
            .endSpec()
            .withNewStatus()
            .withParents(parent("theirs", "example.com/other", "True", "2025-01-01T00:00:00Z"))
            .endStatus()
            .build();
    client.resource(route).create();
  }

  static RouteParentStatus parent(String gateway, String controller, String status, String time) {
    Condition accepted =
        new ConditionBuilder()
            .withType("Accepted")
            .withStatus(status)
            .withReason("Accepted")
            .withMessage("")
            .withObservedGeneration(3L)
            .withLastTransitionTime(time)
            .build();
    return new RouteParentStatusBuilder()
        .withNewParentRef()
        .withName(gateway)
        .endParentRef()
        .withControllerName(controller)
        .withConditions(accepted)
        .build();
  }

  static HTTPRouteStatus desired() {
    HTTPRouteStatus status = new HTTPRouteStatus();
    status.setParents(List.of(parent("gw", ArchwayApi.CONTROLLER_NAME, "True", null)));
    return status;
  }

  private static HTTPRoute onServer() {
    return client.resources(HTTPRoute.class).inNamespace("default").withName("web").get();
  }

  @Test
  void writesOursKeepsTheirsAndSkipsAnUnchangedStatus() {
    try (StatusWriter writer =
        new StatusWriter(client, ObjectCache.NONE, CLOCK, ArchwayApi.CONTROLLER_NAME)) {
      writer.setLeader(true);
      writer.submit(Map.of(ROUTE, desired())).join();

      List<RouteParentStatus> parents = onServer().getStatus().getParents();
      assertThat(parents)
          .extracting(RouteParentStatus::getControllerName)
          .containsExactly(ArchwayApi.CONTROLLER_NAME, "example.com/other");
      assertThat(parents.get(0).getConditions().get(0).getLastTransitionTime())
          .isEqualTo("2026-01-02T03:04:05Z");
      assertThat(parents.get(0).getConditions().get(0).getObservedGeneration()).isEqualTo(3L);
      assertThat(parents.get(1).getConditions().get(0).getLastTransitionTime())
          .isEqualTo("2025-01-01T00:00:00Z");
      assertThat(writer.writes()).isEqualTo(1);

      String version = onServer().getMetadata().getResourceVersion();
      writer.submit(Map.of(ROUTE, desired())).join();
      assertThat(writer.writes()).isEqualTo(1);
      assertThat(onServer().getMetadata().getResourceVersion()).isEqualTo(version);
    }
  }

  @Test
  void writesNothingUnlessLeader() {
    try (StatusWriter writer =
        new StatusWriter(client, ObjectCache.NONE, CLOCK, ArchwayApi.CONTROLLER_NAME)) {
      writer.submit(Map.of(ROUTE, desired())).join();
      assertThat(writer.writes()).isZero();
      assertThat(onServer().getStatus().getParents()).hasSize(1);

      writer.setLeader(true); // becoming leader writes what was submitted last
      org.awaitility.Awaitility.await().until(() -> writer.writes() == 1);
      assertThat(onServer().getStatus().getParents()).hasSize(2);
    }
  }

  /** Another replica may have written while this one was not the leader: becoming it again. */
  @Test
  void becomingTheLeaderAgainWritesTheSameSetOnceMore() {
    try (StatusWriter writer =
        new StatusWriter(client, ObjectCache.NONE, CLOCK, ArchwayApi.CONTROLLER_NAME)) {
      writer.setLeader(true);
      writer.submit(Map.of(ROUTE, desired())).join();
      assertThat(writer.writes()).isEqualTo(1);
      writer.setLeader(false);
      HTTPRoute theirs = onServer();
      theirs.getStatus().setParents(List.of(theirs.getStatus().getParents().get(1)));
      client.resource(theirs).updateStatus();

      writer.setLeader(true);
      org.awaitility.Awaitility.await().until(() -> writer.writes() == 2);
      assertThat(onServer().getStatus().getParents())
          .extracting(RouteParentStatus::getControllerName)
          .containsExactly(ArchwayApi.CONTROLLER_NAME, "example.com/other");
    }
  }

  /** A cache that is always up to date: it reads the server. */
  private static final ObjectCache LIVE =
      new ObjectCache() {
        @Override
        public Optional<HasMetadata> get(ResourceKey key) {
          return Optional.ofNullable(
              client
                  .resources(HTTPRoute.class)
                  .inNamespace(key.namespace())
                  .withName(key.name())
                  .get());
        }

        @Override
        public List<HasMetadata> list(String kind) {
          return List.of();
        }
      };

  /**
   * The writer skips comparing a status it found written while the object's version is the same; an
   * equal status must still be written again once someone else changed the object, and a different
   * status while it did not.
   */
  @Test
  void anUnchangedStatusIsWrittenAgainOnlyAfterTheObjectChanged() {
    try (StatusWriter writer = new StatusWriter(client, LIVE, CLOCK, ArchwayApi.CONTROLLER_NAME)) {
      writer.setLeader(true);
      writer.submit(Map.of(ROUTE, desired())).join();
      writer.submit(Map.of(ROUTE, desired())).join();
      assertThat(writer.writes()).isEqualTo(1);

      HTTPRoute theirs = onServer();
      theirs.getStatus().setParents(List.of(theirs.getStatus().getParents().get(1)));
      client.resource(theirs).updateStatus();
      writer.submit(Map.of(ROUTE, desired())).join();
      assertThat(writer.writes()).isEqualTo(2);
      assertThat(onServer().getStatus().getParents())
          .extracting(RouteParentStatus::getControllerName)
          .containsExactly(ArchwayApi.CONTROLLER_NAME, "example.com/other");

      HTTPRouteStatus notAccepted = new HTTPRouteStatus();
      notAccepted.setParents(List.of(parent("gw", ArchwayApi.CONTROLLER_NAME, "False", null)));
      writer.submit(Map.of(ROUTE, notAccepted)).join();
      assertThat(writer.writes()).isEqualTo(3);
      assertThat(onServer().getStatus().getParents().get(0).getConditions().get(0).getStatus())
          .isEqualTo("False");
    }
  }

  /** A pass with many statuses to write writes them in parts at once: each exactly once. */
  @Test
  void manyStatusesAreEachWrittenOnce() {
    Map<ResourceKey, HTTPRouteStatus> statuses = new java.util.HashMap<>();
    for (int i = 0; i < 300; i++) {
      String name = "many-" + i;
      client
          .resource(
              new HTTPRouteBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace("default")
                  .withGeneration(3L)
                  .endMetadata()
                  .build())
          .create();
      statuses.put(new ResourceKey("HTTPRoute", "default", name), desired());
    }
    try (StatusWriter writer =
        new StatusWriter(client, ObjectCache.NONE, CLOCK, ArchwayApi.CONTROLLER_NAME)) {
      writer.setLeader(true);
      writer.submit(statuses).join();
      assertThat(writer.writes()).isEqualTo(300);
      writer.submit(statuses).join();
      assertThat(writer.writes()).isEqualTo(300);
    }
    for (int i = 0; i < 300; i++) {
      HTTPRoute route =
          client.resources(HTTPRoute.class).inNamespace("default").withName("many-" + i).get();
      assertThat(route.getStatus().getParents())
          .extracting(RouteParentStatus::getControllerName)
          .containsExactly(ArchwayApi.CONTROLLER_NAME);
      client.resource(route).delete();
    }
  }
}
