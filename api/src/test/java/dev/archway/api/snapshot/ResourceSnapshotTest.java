package dev.archway.api.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
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
}
