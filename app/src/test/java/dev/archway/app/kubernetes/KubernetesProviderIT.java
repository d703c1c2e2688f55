package dev.archway.app.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.provider.kubernetes.Debounce;
import dev.archway.provider.kubernetes.KubernetesProvider;
import dev.archway.provider.kubernetes.SnapshotUpdate;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Kubernetes provider alone against a real API server: its first snapshot is published only
 * after every informer listed (it holds what existed before it started), a burst of changes is
 * debounced into one update, and a change made of EndpointSlices only is flagged for the endpoint
 * fast path while a burst that also touches a route is not.
 */
@ExtendWith(TestCluster.class)
class KubernetesProviderIT {
  /** Long enough that the creates of one burst, one API call each, fall within it. */
  private static final Debounce DEBOUNCE =
      new Debounce(Duration.ofSeconds(3), Duration.ofSeconds(30), Duration.ofMillis(10));

  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final String ns = "provider-" + id;
  private final String className = "archway-" + id;
  private final BlockingQueue<SnapshotUpdate> updates = new LinkedBlockingQueue<>();
  private KubernetesClient client;

  @BeforeEach
  void setUp() {
    client = TestCluster.cluster().client();
    Fixtures.namespace(client, ns);
    client.resource(Fixtures.archwayClass(className)).create();
  }

  @AfterEach
  void tearDown() {
    client.resources(GatewayClass.class).withName(className).delete();
    client.namespaces().withName(ns).delete();
    client.close();
  }

  @Test
  void firstSnapshotAfterTheInitialSyncThenDebouncedBurstsAndEndpointOnlyUpdates()
      throws Exception {
    List<HasMetadata> before =
        List.of(
            Fixtures.service(ns, "echo"),
            Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, 9001),
            Fixtures.gateway(ns, "gw", className),
            Fixtures.route(ns, "web", "/", "echo", "gw"));
    before.forEach(o -> client.resource(o).create());
    // The controller-manager adds this ConfigMap to every new namespace; once it is there, no
    // change in the namespace but the test's own is expected.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> client.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get() != null);

    try (KubernetesProvider provider =
        KubernetesProvider.start(
            client,
            updates::add,
            DEBOUNCE,
            Duration.ofSeconds(60),
            KubernetesProvider.References.NONE)) {
      // start() returns once the listener handled the first snapshot: one update, built from the
      // listed stores, holding every object that existed before.
      assertThat(updates).hasSize(1);
      SnapshotUpdate first = updates.take();
      assertThat(first.initial()).isTrue();
      assertThat(first.changed()).isEmpty();
      Set<ResourceKey> listed = new HashSet<>();
      first.snapshot().all().forEach(o -> listed.add(ResourceKey.of(o)));
      assertThat(listed)
          .contains(new ResourceKey("Namespace", "", ns))
          .contains(new ResourceKey("GatewayClass", "", className))
          .containsAll(before.stream().map(ResourceKey::of).toList());
      // ConfigMaps and Secrets are watched by name, as referenced: here none is.
      assertThat(listed).noneMatch(k -> k.kind().equals("ConfigMap") || k.kind().equals("Secret"));

      // Other tests' namespaces are emptied in the background; let that settle, so that the
      // bursts below are this test's alone.
      awaitNoNamespaceTerminating();
      updates.clear();

      // Five routes, one API call each: one update holding all five.
      List<ResourceKey> routes =
          IntStream.range(0, 5)
              .mapToObj(i -> Fixtures.route(ns, "r" + i, "/r" + i, "echo", "gw"))
              .map(r -> ResourceKey.of(client.resource(r).create()))
              .toList();
      SnapshotUpdate burst = nextUpdateTouching(ns);
      assertThat(inNamespace(burst)).containsExactlyInAnyOrderElementsOf(routes);
      assertThat(burst.initial()).isFalse();
      assertThat(burst.endpointsOnly()).isFalse();
      assertThat(burst.snapshot().find(HTTPRoute.class, ns, "r4")).isPresent();

      // An EndpointSlice change alone: flagged for the endpoint fast path.
      ResourceKey slice = ResourceKey.of(before.get(1));
      client.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, 9002)).update();
      SnapshotUpdate endpoints = nextUpdateTouching(ns);
      assertThat(inNamespace(endpoints)).containsExactly(slice);
      assertThat(endpoints.endpointsOnly())
          .as("changed: %s", endpoints.changed())
          .isEqualTo(endpoints.changed().stream().allMatch(k -> k.kind().equals("EndpointSlice")))
          .isTrue();

      // A route and an EndpointSlice in one burst (the route's change holds it open): not
      // endpoint-only.
      client.resource(Fixtures.route(ns, "r5", "/r5", "echo", "gw")).create();
      client.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, 9003)).update();
      SnapshotUpdate mixed = nextUpdateTouching(ns);
      assertThat(inNamespace(mixed))
          .containsExactlyInAnyOrder(slice, new ResourceKey("HTTPRoute", ns, "r5"));
      assertThat(mixed.endpointsOnly()).isFalse();
    }
  }

  private Set<ResourceKey> inNamespace(SnapshotUpdate update) {
    Set<ResourceKey> keys = new HashSet<>();
    update.changed().stream().filter(k -> k.namespace().equals(ns)).forEach(keys::add);
    return keys;
  }

  /** The next update whose changes include objects of {@code namespace}. */
  private SnapshotUpdate nextUpdateTouching(String namespace) throws InterruptedException {
    while (true) {
      SnapshotUpdate update = updates.poll(60, TimeUnit.SECONDS);
      assertThat(update).as("an update within 60 s").isNotNull();
      if (update.changed().stream().anyMatch(k -> k.namespace().equals(namespace))) {
        return update;
      }
    }
  }

  private void awaitNoNamespaceTerminating() {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                client.namespaces().list().getItems().stream()
                    .noneMatch(
                        n ->
                            n.getStatus() != null
                                && "Terminating".equals(n.getStatus().getPhase())));
  }
}
