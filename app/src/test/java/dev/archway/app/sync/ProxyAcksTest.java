package dev.archway.app.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.ManifestLoader;
import dev.archway.translator.TranslationResult;
import dev.archway.translator.Translator;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A Gateway is Programmed only once its proxies acknowledged its configuration. */
@Timeout(60)
class ProxyAcksTest {
  @TempDir Path dir;

  @Test
  void programmedFollowsTheProxiesAcknowledgements() throws Exception {
    int port = SyncFixture.freePort();
    Path manifest = dir.resolve("gateway.yaml");
    Files.writeString(
        manifest,
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: archway}
        spec: {controllerName: archway.dev/gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec:
          gatewayClassName: archway
          listeners: [{name: http, protocol: HTTP, port: %d}]
        """
            .formatted(port));
    ResourceSnapshot snapshot = ManifestLoader.load(List.of(manifest)).snapshot();
    TranslationResult result = Translator.translate(snapshot, RuntimeFacts.NONE);
    assertThat(programmed(result)).extracting(Condition::getStatus).isEqualTo("True");

    try (SyncFixture sync = new SyncFixture(dir)) {
      sync.server.publish(result.config());
      TranslationResult pending = translate(snapshot, result, sync.server);
      assertThat(programmed(pending).getStatus()).isEqualTo("False");
      Condition listener = listenerProgrammed(pending);
      assertThat(listener.getStatus()).isEqualTo("False");
      assertThat(listener.getMessage()).contains("no proxy is connected to the controller");

      SyncFixture.Proxy proxy = sync.proxy("p1", "127.0.0.2");
      await().atMost(Duration.ofSeconds(15)).until(() -> proxy.client().serving());
      await().atMost(Duration.ofSeconds(15)).until(() -> sync.server.unacknowledged().isEmpty());
      assertThat(programmed(translate(snapshot, result, sync.server)).getStatus())
          .isEqualTo("True");

      // The acknowledgements do not hide an address the Gateway may not have (AddressNotUsable).
      String unusable = "spec.addresses[0]: IPAddress \"192.0.2.1\" is not usable";
      RuntimeFacts merged =
          ProxyAcks.merge(
              new RuntimeFacts(Map.of(), Map.of(), Map.of("default/gw", unusable), null),
              result.config(),
              sync.server);
      assertThat(merged.gatewayAddressErrors()).containsEntry("default/gw", unusable);
      assertThat(programmed(Translator.translate(snapshot, merged)))
          .satisfies(c -> assertThat(c.getReason()).isEqualTo("AddressNotUsable"))
          .satisfies(c -> assertThat(c.getMessage()).isEqualTo(unusable));
    }
  }

  private static TranslationResult translate(
      ResourceSnapshot snapshot, TranslationResult first, SyncServer sync) {
    RuntimeFacts facts = ProxyAcks.merge(RuntimeFacts.NONE, first.config(), sync);
    return Translator.translate(snapshot, facts);
  }

  private static Condition listenerProgrammed(TranslationResult result) {
    for (Object status : result.statuses().values()) {
      if (status instanceof GatewayStatus gateway) {
        return gateway.getListeners().get(0).getConditions().stream()
            .filter(c -> c.getType().equals("Programmed"))
            .findFirst()
            .orElseThrow();
      }
    }
    throw new AssertionError("no Gateway status in " + result.statuses().keySet());
  }

  private static Condition programmed(TranslationResult result) {
    for (Map.Entry<?, Object> entry : result.statuses().entrySet()) {
      if (entry.getValue() instanceof GatewayStatus status) {
        return status.getConditions().stream()
            .filter(c -> c.getType().equals("Programmed"))
            .findFirst()
            .orElseThrow();
      }
    }
    throw new AssertionError("no Gateway status in " + result.statuses().keySet());
  }
}
