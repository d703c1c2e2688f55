package dev.archway.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class NormalizerTest {
  private final Normalizer normalizer = new Normalizer(new KubernetesSerialization());

  private static WatchedKind kind(Class<?> type) {
    return WatchedKind.ALL.stream().filter(k -> k.type() == type).findFirst().orElseThrow();
  }

  @Test
  void dropsWhatTheServerAddsAndKeepsWhatTheTranslatorReads() {
    Gateway gateway =
        new GatewayBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("gw")
            .withGeneration(4L)
            .withUid("u-1")
            .withCreationTimestamp("2025-01-01T00:00:00Z")
            .withResourceVersion("123")
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
            .addToAnnotations(Normalizer.LAST_APPLIED, "{}")
            .addToAnnotations("keep", "me")
            .endMetadata()
            .withNewSpec()
            .withGatewayClassName("archway")
            .endSpec()
            .withNewStatus()
            .addNewAddress()
            .withValue("127.0.1.1")
            .endAddress()
            .endStatus()
            .build();

    Gateway normalized = normalizer.normalize(gateway, kind(Gateway.class));

    assertThat(normalized.getMetadata().getGeneration()).isEqualTo(4L);
    assertThat(normalized.getMetadata().getUid()).isEqualTo("u-1");
    assertThat(normalized.getMetadata().getCreationTimestamp()).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(normalized.getMetadata().getResourceVersion()).isNull();
    assertThat(normalized.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(normalized.getMetadata().getAnnotations()).containsOnlyKeys("keep");
    assertThat(normalized.getStatus()).isNull();
    assertThat(normalized.getSpec().getGatewayClassName()).isEqualTo("archway");
    // The informer's object is not touched.
    assertThat(gateway.getMetadata().getResourceVersion()).isEqualTo("123");
    assertThat(gateway.getStatus()).isNotNull();
  }

  @Test
  void keepsTheStatusOfKindsArchwayOnlyReads() {
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("s")
            .withNamespace("default")
            .endMetadata()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("10.0.0.1")
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();

    assertThat(normalizer.normalize(service, kind(Service.class)).getStatus()).isNotNull();
  }
}
