package dev.archway.api.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResourceSnapshotTest {
  private static Service service(String namespace, String name, String clusterIp) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withClusterIP(clusterIp)
        .endSpec()
        .build();
  }

  @Test
  void findsByTypeNamespaceAndName() {
    ConfigMap sameName =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withNamespace("a")
            .withName("x")
            .endMetadata()
            .build();
    ResourceSnapshot snapshot =
        ResourceSnapshot.builder()
            .add(service("b", "x", "10.0.0.2"))
            .add(service("a", "x", "10.0.0.1"))
            .add(sameName)
            .build();

    assertThat(snapshot.find(Service.class, "a", "x"))
        .get()
        .extracting(s -> s.getSpec().getClusterIP())
        .isEqualTo("10.0.0.1");
    assertThat(snapshot.find(Service.class, "b", "x"))
        .get()
        .extracting(s -> s.getSpec().getClusterIP())
        .isEqualTo("10.0.0.2");
    assertThat(snapshot.find(ConfigMap.class, "a", "x")).contains(sameName);
    assertThat(snapshot.find(Service.class, "c", "x")).isEmpty();
    assertThat(snapshot.find(Secret.class, "a", "x")).isEmpty();
    assertThat(snapshot.find(Service.class, "a", null)).isEmpty();
    assertThat(snapshot.list(Service.class))
        .extracting(s -> s.getMetadata().getNamespace())
        .containsExactly("a", "b");
    assertThat(snapshot.size()).isEqualTo(3);
  }

  @Test
  void findsClusterScopedResourcesWithEitherEmptyOrNullNamespace() {
    Namespace ns = new NamespaceBuilder().withNewMetadata().withName("blue").endMetadata().build();
    ResourceSnapshot snapshot = ResourceSnapshot.builder().add(ns).build();

    assertThat(snapshot.find(Namespace.class, null, "blue")).contains(ns);
    assertThat(snapshot.find(Namespace.class, "", "blue")).contains(ns);
  }

  @Test
  void aLaterResourceWithTheSameKeyReplacesAnEarlierOne() {
    ResourceSnapshot snapshot =
        ResourceSnapshot.builder()
            .add(service("a", "x", "10.0.0.1"))
            .add(service("a", "x", "10.0.0.9"))
            .build();

    assertThat(snapshot.list(Service.class)).hasSize(1);
    assertThat(snapshot.find(Service.class, "a", "x"))
        .get()
        .extracting(s -> s.getSpec().getClusterIP())
        .isEqualTo("10.0.0.9");
  }

  @Test
  void withChangesReplacesInPlaceRemovesAndAppends() {
    Service a = service("a", "x", "10.0.0.1");
    Service b = service("b", "x", "10.0.0.2");
    Namespace ns = new NamespaceBuilder().withNewMetadata().withName("blue").endMetadata().build();
    ResourceSnapshot before = ResourceSnapshot.builder().add(b).add(ns).add(a).build();

    Service b2 = service("b", "x", "10.0.0.22");
    Service c = service("c", "x", "10.0.0.3");
    ResourceSnapshot after = before.withChanges(List.of(ns), List.of(c, b2));

    assertThat(after.all()).containsExactly(b2, a, c);
    assertThat(after.list(Service.class)).containsExactly(a, b2, c);
    assertThat(after.list(Namespace.class)).isEmpty();
    assertThat(after.find(Namespace.class, null, "blue")).isEmpty();
    assertThat(after.sameAs(service("b", "x", null))).isSameAs(b2);
    // The snapshot it came from is unchanged.
    assertThat(before.all()).containsExactly(b, ns, a);
    assertThat(before.list(Service.class)).containsExactly(a, b);
  }

  /**
   * Random removals and upserts: the result must be the snapshot a builder gives for the same
   * resources, list by list and in all()'s order.
   */
  @Test
  void withChangesGivesWhatABuilderGives() {
    Random random = new Random(7);
    for (int round = 0; round < 300; round++) {
      // Odd rounds change more resources than withChanges finds by a scan.
      int names = round % 2 == 0 ? 3 : 20;
      int changes = round % 2 == 0 ? 5 : 40;
      List<HasMetadata> start = new ArrayList<>();
      for (int i = random.nextInt(4 * names); i > 0; i--) {
        start.add(randomResource(random, names));
      }
      ResourceSnapshot before = ResourceSnapshot.builder().addAll(start).build();
      List<HasMetadata> removed = new ArrayList<>();
      for (int i = random.nextInt(changes); i > 0; i--) {
        removed.add(randomResource(random, names));
      }
      List<HasMetadata> upserted = new ArrayList<>();
      for (int i = random.nextInt(changes); i > 0; i--) {
        upserted.add(randomResource(random, names));
      }

      ResourceSnapshot.Builder expected = ResourceSnapshot.builder();
      for (HasMetadata r : before.all()) {
        if (removed.stream().noneMatch(x -> sameIdentity(x, r))) {
          expected.add(r);
        }
      }
      ResourceSnapshot want = expected.addAll(upserted).build();
      ResourceSnapshot got = before.withChanges(removed, upserted);

      String context = "round " + round + ": " + removed + " / " + upserted;
      assertThat(got.all()).as(context).containsExactlyElementsOf(want.all());
      assertThat(got.list(Service.class))
          .as(context)
          .containsExactlyElementsOf(want.list(Service.class));
      assertThat(got.list(ConfigMap.class))
          .as(context)
          .containsExactlyElementsOf(want.list(ConfigMap.class));
      for (HasMetadata r : want.all()) {
        assertThat(got.sameAs(r)).as(context).isSameAs(r);
      }
      for (HasMetadata r : removed) {
        assertThat(got.sameAs(r)).as(context).isSameAs(want.sameAs(r));
      }
    }
  }

  private static boolean sameIdentity(HasMetadata x, HasMetadata r) {
    return x.getClass() == r.getClass()
        && x.getMetadata().getNamespace().equals(r.getMetadata().getNamespace())
        && x.getMetadata().getName().equals(r.getMetadata().getName());
  }

  /** One of few identities, so that removals and upserts often meet existing resources. */
  private static HasMetadata randomResource(Random random, int names) {
    String namespace = "ns" + random.nextInt(3);
    String name = "n" + random.nextInt(names);
    if (random.nextBoolean()) {
      return service(namespace, name, "10.0.0." + random.nextInt(250));
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .addToData("v", Integer.toString(random.nextInt(1000)))
        .build();
  }
}
