package dev.archway.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.ManifestLoader;
import dev.archway.app.runtime.Relevance.Work;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.provider.kubernetes.SnapshotUpdate;
import dev.archway.translator.TranslationResult;
import dev.archway.translator.Translator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which changes count, against a translation of a cluster holding Archway's Gateway {@code gw}
 * (with a ListenerSet, and a listener that selects namespaces by label) and another controller's
 * Gateway {@code theirs} (with its own ListenerSet and route). Each single change is translated
 * again to check the decision: one that asks for nothing leaves the configuration and statuses
 * equal, and one that asks for the fast path leaves the statuses equal and gives the configuration
 * the fast path gives.
 */
class RelevanceTest {
  private static final String CLUSTER =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: archway}
      spec: {controllerName: archway.dev/gateway-controller}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: other}
      spec: {controllerName: example.com/other-controller}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: apps}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: team}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: elsewhere}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: apps}
      spec:
        gatewayClassName: archway
        allowedListeners: {namespaces: {from: Same}}
        listeners:
        - {name: http, port: 80, protocol: HTTP}
        - name: selected
          port: 8080
          protocol: HTTP
          allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: "yes"}}}}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: theirs, namespace: apps}
      spec:
        gatewayClassName: other
        listeners:
        - {name: http, port: 80, protocol: HTTP}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: ListenerSet
      metadata: {name: ls, namespace: apps}
      spec:
        parentRef: {name: gw}
        listeners:
        - {name: tcp, port: 9000, protocol: TCP}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: ListenerSet
      metadata: {name: their-ls, namespace: apps}
      spec:
        parentRef: {name: theirs}
        listeners:
        - {name: extra, port: 81, protocol: HTTP}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: web, namespace: apps}
      spec:
        parentRefs: [{name: gw, sectionName: http}]
        rules:
        - backendRefs: [{name: a, port: 80}]
        - matches: [{path: {type: PathPrefix, value: /later}}]
          backendRefs: [{name: later, port: 80}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: team-route, namespace: team}
      spec:
        parentRefs: [{name: gw, namespace: apps, sectionName: selected}]
        rules:
        - backendRefs: [{name: t, port: 80}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: HTTPRoute
      metadata: {name: their-route, namespace: apps}
      spec:
        parentRefs: [{name: theirs}]
        rules:
        - backendRefs: [{name: b, port: 80}]
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: TCPRoute
      metadata: {name: to-ls, namespace: apps}
      spec:
        parentRefs: [{kind: ListenerSet, name: ls}]
        rules:
        - backendRefs: [{name: a, port: 80}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: a, namespace: apps}
      spec:
        ports: [{name: http, port: 80}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: b, namespace: apps}
      spec:
        ports: [{name: http, port: 80}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: a-1
        namespace: apps
        labels: {kubernetes.io/service-name: a}
      addressType: IPv4
      endpoints: [{addresses: [10.0.0.1]}]
      ports: [{name: http, port: 8080}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: b-1
        namespace: apps
        labels: {kubernetes.io/service-name: b}
      addressType: IPv4
      endpoints: [{addresses: [10.0.0.2]}]
      ports: [{name: http, port: 8080}]
      """;

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @TempDir Path dir;
  private ResourceSnapshot before;
  private TranslationResult translated;

  @BeforeEach
  void translate() throws IOException {
    Path file = dir.resolve("cluster.yaml");
    Files.writeString(file, CLUSTER);
    before = ManifestLoader.loadFile(file).snapshot();
    translated = Translator.translate(before, RuntimeFacts.NONE);
    assertThat(translated.problems()).noneMatch(p -> p.contains("ListenerSet/apps/ls"));
  }

  @Test
  void anotherControllersGatewayListenerSetAndRouteDoNotCount() {
    expect(Work.NOTHING, changed(Gateway.class, "apps", "theirs", this::labelled));
    expect(Work.NOTHING, changed(ListenerSet.class, "apps", "their-ls", this::labelled));
    expect(Work.NOTHING, changed(HTTPRoute.class, "apps", "their-route", this::labelled));
    expect(Work.NOTHING, without(HTTPRoute.class, "apps", "their-route"));
  }

  @Test
  void archwaysGatewayListenerSetAndRoutesCount() {
    expect(Work.TRANSLATE, changed(Gateway.class, "apps", "gw", this::labelled));
    expect(Work.TRANSLATE, changed(ListenerSet.class, "apps", "ls", this::labelled));
    expect(Work.TRANSLATE, changed(HTTPRoute.class, "apps", "web", this::labelled));
    expect(Work.TRANSLATE, changed(HTTPRoute.class, "team", "team-route", this::labelled));
    expect(Work.TRANSLATE, changed(TCPRoute.class, "apps", "to-ls", this::labelled));
    expect(Work.TRANSLATE, without(HTTPRoute.class, "apps", "web"));
  }

  @Test
  void movingToOrFromArchwayCountsEitherWay() {
    // Their Gateway takes Archway's class; their route adds our Gateway; our route leaves it.
    expect(
        Work.TRANSLATE,
        changed(
            Gateway.class,
            "apps",
            "theirs",
            g -> {
              g.getSpec().setGatewayClassName("archway");
              return g;
            }));
    expect(
        Work.TRANSLATE,
        changed(
            HTTPRoute.class,
            "apps",
            "their-route",
            r -> {
              r.getSpec().getParentRefs().add(parent("gw"));
              return r;
            }));
    expect(
        Work.TRANSLATE,
        changed(
            HTTPRoute.class,
            "apps",
            "web",
            r -> {
              r.getSpec().setParentRefs(new ArrayList<>(List.of(parent("theirs"))));
              return r;
            }));
    expect(
        Work.TRANSLATE,
        changed(
            ListenerSet.class,
            "apps",
            "their-ls",
            s -> {
              s.getSpec().getParentRef().setName("gw");
              return s;
            }));
  }

  @Test
  void servicesAndNamespacesCountWhenLookedUpMissesIncluded() {
    expect(Work.TRANSLATE, changed(Service.class, "apps", "a", this::labelled));
    expect(Work.NOTHING, changed(Service.class, "apps", "b", this::labelled));
    // A Service route web names but that did not exist: creating it counts.
    Service later = before.find(Service.class, "apps", "a").map(this::copy).orElseThrow();
    later.getMetadata().setName("later");
    expect(Work.TRANSLATE, added(later));
    Service stray = copy(later);
    stray.getMetadata().setName("stray");
    expect(Work.NOTHING, added(stray));
    // Namespace team's labels were read for the listener's selector; elsewhere's were not.
    expect(
        Work.TRANSLATE,
        changed(
            Namespace.class,
            "",
            "team",
            n -> {
              n.getMetadata().setLabels(new HashMap<>(Map.of("team", "yes")));
              return n;
            }));
    expect(Work.NOTHING, changed(Namespace.class, "", "elsewhere", this::labelled));
  }

  @Test
  void endpointSlicesOfDestinationsTakeTheFastPathOthersNothing() {
    expect(Work.ENDPOINTS, changed(EndpointSlice.class, "apps", "a-1", this::moved));
    expect(Work.NOTHING, changed(EndpointSlice.class, "apps", "b-1", this::moved));
    // A slice of nobody's Service next to an irrelevant change: still nothing to do.
    ResourceSnapshot after =
        replace(
            replace(before, moved(find(EndpointSlice.class, "apps", "b-1"))),
            labelled(find(Service.class, "apps", "b")));
    assertThat(work(after, key("EndpointSlice", "apps", "b-1"), key("Service", "apps", "b")))
        .isEqualTo(Work.NOTHING);
    // With a relevant one, a translation.
    after = replace(before, moved(find(EndpointSlice.class, "apps", "a-1")));
    after = replace(after, labelled(find(HTTPRoute.class, "apps", "web")));
    assertThat(work(after, key("EndpointSlice", "apps", "a-1"), key("HTTPRoute", "apps", "web")))
        .isEqualTo(Work.TRANSLATE);
  }

  @Test
  void alsoReadServicesCount() {
    ResourceSnapshot after = replace(before, labelled(find(Service.class, "apps", "b")));
    ResourceKey b = key("Service", "apps", "b");
    assertThat(new Relevance(translated, Set.of(b)).of(update(after, b), before, applied()))
        .isEqualTo(Work.TRANSLATE);
  }

  /** A change of kinds that always count, or that are not known here. */
  @Test
  void otherKindsAlwaysCount() {
    for (String kind :
        List.of("GatewayClass", "ReferenceGrant", "BackendTLSPolicy", "ConfigMap", "Secret")) {
      assertThat(work(before, key(kind, "apps", "x"))).as(kind).isEqualTo(Work.TRANSLATE);
    }
  }

  /** {@code work} is what the change asks for, and the translation agrees with it. */
  private void expect(Work work, ResourceSnapshot after) {
    List<ResourceKey> changedKeys = differences(before, after);
    assertThat(changedKeys).hasSize(1);
    assertThat(work(after, changedKeys.toArray(ResourceKey[]::new)))
        .as("%s", changedKeys)
        .isEqualTo(work);
    TranslationResult again = Translator.translate(after, RuntimeFacts.NONE);
    boolean same =
        again.statuses().equals(translated.statuses())
            && again.config().equals(translated.config());
    if (work == Work.NOTHING) {
      assertThat(same).as("%s changed nothing the translation gives", changedKeys).isTrue();
    } else if (work == Work.ENDPOINTS) {
      assertThat(again.statuses()).isEqualTo(translated.statuses());
      assertThat(Translator.refreshEndpoints(translated.config(), after)).isEqualTo(again.config());
    }
  }

  private Work work(ResourceSnapshot after, ResourceKey... keys) {
    return new Relevance(translated, Set.of()).of(update(after, keys), before, applied());
  }

  private DataPlaneConfig applied() {
    return translated.config();
  }

  private static SnapshotUpdate update(ResourceSnapshot after, ResourceKey... keys) {
    boolean endpointsOnly = List.of(keys).stream().allMatch(k -> k.kind().equals("EndpointSlice"));
    return new SnapshotUpdate(after, Set.of(keys), false, endpointsOnly, System.nanoTime());
  }

  private static ResourceKey key(String kind, String namespace, String name) {
    return new ResourceKey(kind, namespace, name);
  }

  private static ParentReference parent(String gateway) {
    ParentReference ref = new ParentReference();
    ref.setName(gateway);
    return ref;
  }

  private <T extends HasMetadata> T find(Class<T> type, String namespace, String name) {
    return before.find(type, namespace, name).map(this::copy).orElseThrow();
  }

  private <T extends HasMetadata> ResourceSnapshot changed(
      Class<T> type, String namespace, String name, UnaryOperator<T> edit) {
    return replace(before, edit.apply(find(type, namespace, name)));
  }

  private ResourceSnapshot added(HasMetadata object) {
    return replace(before, object);
  }

  private ResourceSnapshot without(Class<? extends HasMetadata> type, String ns, String name) {
    ResourceSnapshot.Builder builder = ResourceSnapshot.builder();
    for (HasMetadata o : before.all()) {
      if (!(type.isInstance(o)
          && o.getMetadata().getName().equals(name)
          && ns.equals(Objects.requireNonNullElse(o.getMetadata().getNamespace(), "")))) {
        builder.add(o);
      }
    }
    return builder.build();
  }

  /** {@code snapshot} with {@code object} added, or in place of the object with its key. */
  private static ResourceSnapshot replace(ResourceSnapshot snapshot, HasMetadata object) {
    ResourceKey key = ResourceKey.of(object);
    ResourceSnapshot.Builder builder = ResourceSnapshot.builder();
    for (HasMetadata o : snapshot.all()) {
      if (!ResourceKey.of(o).equals(key)) {
        builder.add(o);
      }
    }
    return builder.add(object).build();
  }

  /** The keys of the objects added, removed or changed. */
  private static List<ResourceKey> differences(ResourceSnapshot a, ResourceSnapshot b) {
    Map<ResourceKey, HasMetadata> left = new HashMap<>();
    a.all().forEach(o -> left.put(ResourceKey.of(o), o));
    Map<ResourceKey, HasMetadata> right = new HashMap<>();
    b.all().forEach(o -> right.put(ResourceKey.of(o), o));
    Set<ResourceKey> keys = new TreeSet<>(left.keySet());
    keys.addAll(right.keySet());
    keys.removeIf(k -> Objects.equals(left.get(k), right.get(k)));
    return List.copyOf(keys);
  }

  private <T extends HasMetadata> T labelled(T object) {
    Map<String, String> labels =
        new HashMap<>(Objects.requireNonNullElse(object.getMetadata().getLabels(), Map.of()));
    labels.put("touched", "yes");
    object.getMetadata().setLabels(labels);
    return object;
  }

  private EndpointSlice moved(EndpointSlice slice) {
    slice.getEndpoints().get(0).setAddresses(List.of("10.0.0.99"));
    return slice;
  }

  private <T extends HasMetadata> T copy(T object) {
    return SERIALIZATION.clone(object);
  }
}
