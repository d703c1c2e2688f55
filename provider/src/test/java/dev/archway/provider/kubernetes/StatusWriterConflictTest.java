package dev.archway.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.v1alpha1.ArchwayApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A 409 Conflict makes the writer read the object again and merge into the fresh copy. */
@EnableKubernetesMockClient
class StatusWriterConflictTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  private static final String PATH =
      "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/web";

  private static HTTPRoute route(String resourceVersion, String theirMessage) {
    HTTPRoute route =
        new HTTPRouteBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .withGeneration(3L)
            .withResourceVersion(resourceVersion)
            .endMetadata()
            .withNewStatus()
            .withParents(
                StatusWriterTest.parent(
                    "theirs", "example.com/other", "True", "2025-01-01T00:00:00Z"))
            .endStatus()
            .build();
    route.getStatus().getParents().get(0).getConditions().get(0).setMessage(theirMessage);
    return route;
  }

  @Test
  void retriesAfterAConflictWithAFreshRead() throws Exception {
    HTTPRoute stale = route("1", "old");
    server
        .expect()
        .put()
        .withPath(PATH + "/status")
        .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict").build())
        .once();
    server.expect().get().withPath(PATH).andReturn(200, route("2", "changed by them")).once();
    server.expect().put().withPath(PATH + "/status").andReturn(200, route("3", "")).once();
    ObjectCache staleCache = cacheOf(stale);
    Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    try (StatusWriter writer =
        new StatusWriter(client, staleCache, clock, ArchwayApi.CONTROLLER_NAME)) {
      writer.setLeader(true);
      writer
          .submit(
              Map.of(new ResourceKey("HTTPRoute", "default", "web"), StatusWriterTest.desired()))
          .join();
      assertThat(writer.writes()).isEqualTo(1);
    }

    RecordedRequest first = server.takeRequest();
    assertThat(first.getMethod()).isEqualTo("PUT");
    assertThat(first.getBody().readUtf8()).contains("\"resourceVersion\":\"1\"");
    assertThat(server.takeRequest().getMethod()).isEqualTo("GET");
    RecordedRequest retry = server.takeRequest();
    String body = retry.getBody().readUtf8();
    assertThat(body).contains("\"resourceVersion\":\"2\"").contains("changed by them");
    assertThat(body).contains(ArchwayApi.CONTROLLER_NAME);
  }

  /**
   * The informer cache still holds the status from before the writer's own last write. A status
   * that changed back to what that stale copy says must still be written: the writer reads the
   * server's copy until the cache has caught up (issue 7: Programmed stayed False after a proxy
   * acknowledged, because True looked unchanged against the stale cache).
   */
  @Test
  void aStatusChangedBackIsWrittenWhileTheCacheLagsBehindTheLastWrite() throws Exception {
    HTTPRoute cachedBeforeWrite = route("1", "old");
    cachedBeforeWrite.getStatus().getParents().get(0).setControllerName(ArchwayApi.CONTROLLER_NAME);
    cachedBeforeWrite.getStatus().getParents().get(0).getParentRef().setName("gw");
    HTTPRoute afterFirstWrite = route("2", "");
    afterFirstWrite
        .getStatus()
        .setParents(
            List.of(StatusWriterTest.parent("gw", ArchwayApi.CONTROLLER_NAME, "False", null)));
    server.expect().put().withPath(PATH + "/status").andReturn(200, afterFirstWrite).once();
    server.expect().get().withPath(PATH).andReturn(200, afterFirstWrite).once();
    server.expect().put().withPath(PATH + "/status").andReturn(200, route("3", "")).once();
    ObjectCache lagging = cacheOf(cachedBeforeWrite);
    Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    ResourceKey key = new ResourceKey("HTTPRoute", "default", "web");
    try (StatusWriter writer =
        new StatusWriter(client, lagging, clock, ArchwayApi.CONTROLLER_NAME)) {
      writer.setLeader(true);
      HTTPRouteStatus notAccepted = new HTTPRouteStatus();
      notAccepted.setParents(
          List.of(StatusWriterTest.parent("gw", ArchwayApi.CONTROLLER_NAME, "False", null)));
      writer.submit(Map.of(key, notAccepted)).join();
      // Back to what the stale cache shows.
      writer.submit(Map.of(key, statusOf(cachedBeforeWrite))).join();
      assertThat(writer.writes()).isEqualTo(2);
    }

    assertThat(server.takeRequest().getMethod()).isEqualTo("PUT");
    assertThat(server.takeRequest().getMethod()).isEqualTo("GET");
    RecordedRequest second = server.takeRequest();
    assertThat(second.getMethod()).isEqualTo("PUT");
    assertThat(second.getBody().readUtf8()).contains("\"resourceVersion\":\"2\"");
  }

  /**
   * Becoming the leader queues a pass over the newest set, and so does each submission; when two
   * queued passes find the same set, the second has nothing left to do. Before, it read the route
   * from the server again (the cache lagging behind the first pass's write): two passes, where the
   * tests above expect one, whenever the pass {@code setLeader} queued ran late.
   */
  @Test
  void aSetWrittenByThePassBecomingLeaderQueuedIsNotWrittenAgain() throws Exception {
    ResourceKey busy = new ResourceKey("HTTPRoute", "default", "busy");
    ResourceKey web = new ResourceKey("HTTPRoute", "default", "web");
    CountDownLatch inFirstPass = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ObjectCache blockingOnBusy =
        new ObjectCache() {
          @Override
          public Optional<HasMetadata> get(ResourceKey key) {
            if (key.equals(busy)) {
              inFirstPass.countDown();
              await(release);
              return Optional.empty(); // not cached: read from the server, which has none
            }
            return Optional.of(route("1", "old"));
          }

          @Override
          public List<HasMetadata> list(String kind) {
            return List.of();
          }
        };
    server.expect().put().withPath(PATH + "/status").andReturn(200, route("2", "")).once();
    int before = server.getRequestCount();
    Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    try (StatusWriter writer =
        new StatusWriter(client, blockingOnBusy, clock, ArchwayApi.CONTROLLER_NAME)) {
      writer.setLeader(true);
      CompletableFuture<Void> first = writer.submit(Map.of(busy, StatusWriterTest.desired()));
      assertThat(inFirstPass.await(10, TimeUnit.SECONDS)).isTrue();
      writer.setLeader(true); // a new term while busy: the newest set is written once more
      CompletableFuture<Void> second = writer.submit(Map.of(web, StatusWriterTest.desired()));
      release.countDown();
      first.join();
      second.join();
      assertThat(writer.writes()).isEqualTo(1);
    }
    // The busy route read and not found; the web route written once (from the cache's copy) and
    // not read again by the passes queued behind the one that wrote it.
    assertThat(server.getRequestCount() - before).isEqualTo(2);
    assertThat(server.takeRequest(10, TimeUnit.SECONDS).getPath()).endsWith("/httproutes/busy");
    RecordedRequest put = server.takeRequest(10, TimeUnit.SECONDS);
    assertThat(put.getMethod()).isEqualTo("PUT");
    assertThat(put.getPath()).isEqualTo(PATH + "/status");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A cache that always returns {@code object}, whatever the server holds. */
  private static ObjectCache cacheOf(HasMetadata object) {
    return new ObjectCache() {
      @Override
      public Optional<HasMetadata> get(ResourceKey key) {
        return Optional.of(object);
      }

      @Override
      public List<HasMetadata> list(String kind) {
        return List.of();
      }
    };
  }

  private static HTTPRouteStatus statusOf(HTTPRoute route) {
    HTTPRouteStatus status = new HTTPRouteStatus();
    status.setParents(route.getStatus().getParents());
    return status;
  }
}
