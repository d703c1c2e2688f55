package dev.archway.api.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceWriterTest {
  private static final GatewayClass CLASS =
      new GatewayClassBuilder()
          .withNewMetadata()
          .withName("archway")
          .withGeneration(2L)
          .endMetadata()
          .withNewSpec()
          .withControllerName("archway.dev/gateway-controller")
          .endSpec()
          .build();

  @Test
  void writesYamlLikeKubectlWithoutEmptyValues() {
    assertThat(ResourceWriter.toYaml(CLASS))
        .isEqualTo(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata:
              generation: 2
              name: archway
            spec:
              controllerName: archway.dev/gateway-controller
            """);
  }

  @Test
  void separatesDocuments() {
    assertThat(ResourceWriter.toYamlDocuments(List.of(CLASS, CLASS)))
        .containsOnlyOnce("---\n")
        .startsWith("apiVersion");
  }

  @Test
  void writesJson() {
    assertThat(ResourceWriter.toJson(CLASS))
        .contains("\"controllerName\" : \"archway.dev/gateway-controller\"");
  }
}
