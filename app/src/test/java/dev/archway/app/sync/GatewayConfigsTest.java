package dev.archway.app.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Endpoint;
import dev.archway.ir.IrCodec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigsTest {
  private static DataPlaneConfig config(String webEndpoint, String unused) {
    return IrCodec.fromYaml(
        """
        gateways:
        - name: gateway/ns/a
          httpListeners:
          - name: gateway/ns/a/port/80
            port: 80
            protocol: HTTP
            virtualHosts:
            - name: gateway/ns/a/listener/http
              hostname: '*'
              routes:
              - name: httproute/ns/web/rule/0/match/0
                hostname: '*'
                match:
                  path:
                    type: PATH_PREFIX
                    value: /
                backends:
                - destination: service/ns/web/80
                  weight: 1
        - name: gateway/ns/b
        destinations:
        - name: service/ns/other/80
          endpoints:
          - address: 10.0.0.9
            port: 80
        - name: service/ns/web/80
          endpoints:
          - address: %s
            port: 8080
        """
            .formatted(webEndpoint));
  }

  @Test
  void splitsByGatewayWithTheDestinationsEachUses() {
    Map<String, DataPlaneConfig> slices = GatewayConfigs.split(config("10.0.0.1", null));
    assertThat(slices).containsOnlyKeys("ns/a", "ns/b");
    assertThat(slices.get("ns/a").destinations())
        .extracting(d -> d.name())
        .containsExactly("service/ns/web/80");
    assertThat(slices.get("ns/b").destinations()).isEmpty();
  }

  @Test
  void anEndpointOnlyChangeIsADeltaThatRebuildsTheNewConfiguration() {
    DataPlaneConfig before = GatewayConfigs.split(config("10.0.0.1", null)).get("ns/a");
    DataPlaneConfig after = GatewayConfigs.split(config("10.0.0.2", null)).get("ns/a");
    Map<String, List<Endpoint>> delta = GatewayConfigs.endpointDelta(before, after).orElseThrow();
    assertThat(delta).containsOnlyKeys("service/ns/web/80");
    assertThat(GatewayConfigs.withEndpoints(before, delta)).isEqualTo(after);
    assertThat(GatewayConfigs.endpointDelta(before, before)).isEmpty();
  }

  @Test
  void aRouteChangeIsNotADelta() {
    DataPlaneConfig before = GatewayConfigs.split(config("10.0.0.1", null)).get("ns/a");
    DataPlaneConfig other = GatewayConfigs.split(config("10.0.0.1", null)).get("ns/b");
    assertThat(GatewayConfigs.endpointDelta(before, other)).isEmpty();
  }

  @Test
  void aDeltaForAnUnknownDestinationIsRejected() {
    DataPlaneConfig before = GatewayConfigs.split(config("10.0.0.1", null)).get("ns/a");
    assertThatThrownBy(
            () -> GatewayConfigs.withEndpoints(before, Map.of("service/ns/nope/80", List.of())))
        .hasMessageContaining("service/ns/nope/80");
  }

  @Test
  void aProxyCanServeOnItsOwnAddress() {
    DataPlaneConfig moved = SyncClient.boundTo(config("10.0.0.1", null), "0.0.0.0");
    assertThat(moved.gateways()).allSatisfy(g -> assertThat(g.bindAddress()).isEqualTo("0.0.0.0"));
    assertThat(moved.gateways().get(0).httpListeners())
        .isEqualTo(config("10.0.0.1", null).gateways().get(0).httpListeners());
  }

  @Test
  void backoffGrowsWithJitterUpToItsMaximum() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    for (int i = 0; i < 50; i++) {
      assertThat(backoff.delay(1).toMillis()).isBetween(50L, 100L);
      assertThat(backoff.delay(3).toMillis()).isBetween(200L, 400L);
      assertThat(backoff.delay(30).toMillis()).isBetween(500L, 1000L);
    }
  }
}
