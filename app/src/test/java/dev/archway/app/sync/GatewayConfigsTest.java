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

  /** TCP, TLS and mirror destinations count as well as HTTP backends. */
  @Test
  void aSliceHoldsTheDestinationsOfEveryKindOfRoute() {
    DataPlaneConfig config =
        IrCodec.fromYaml(
            """
            gateways:
            - name: gateway/ns/a
              tcpListeners:
              - name: gateway/ns/a/listener/tcp
                port: 5432
                backends:
                - {destination: service/ns/db/5432, weight: 1}
              tlsListeners:
              - name: gateway/ns/a/port/443
                port: 443
                virtualHosts:
                - name: gateway/ns/a/listener/tls
                  hostname: '*'
                  routes:
                  - name: tlsroute/ns/t
                    backends:
                    - {destination: service/ns/tls/443, weight: 1}
            destinations:
            - {name: service/ns/db/5432}
            - {name: service/ns/other/80}
            - {name: service/ns/tls/443}
            """);
    assertThat(new GatewayConfigs.Slicer().split(config).get("ns/a").destinations())
        .extracting(d -> d.name())
        .containsExactly("service/ns/db/5432", "service/ns/tls/443");
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
    DataPlaneConfig original = config("10.0.0.1", null);
    DataPlaneConfig bound = SyncClient.boundTo(original, "0.0.0.0");
    // The same listener and route objects: the data plane's compile memo knows routes by identity.
    assertThat(bound.gateways().get(0).httpListeners())
        .isSameAs(original.gateways().get(0).httpListeners());
  }

  /**
   * A slicer remembers each route's destinations from one configuration to the next; its slices are
   * those of a fresh split, also when routes move to other destinations.
   */
  @Test
  void aSlicerSlicesChangeAfterChangeAsAFreshSplitDoes() {
    GatewayConfigs.Slicer slicer = new GatewayConfigs.Slicer();
    DataPlaneConfig first = config("10.0.0.1", null);
    assertThat(slicer.split(first)).isEqualTo(GatewayConfigs.split(first));
    String moved =
        IrCodec.toYaml(first)
            .replace("destination: service/ns/web/80", "destination: service/ns/other/80");
    DataPlaneConfig second = IrCodec.fromYaml(moved);
    // The first configuration's route objects, and new ones.
    DataPlaneConfig both =
        new DataPlaneConfig(
            List.of(first.gateways().get(0), second.gateways().get(1)), second.destinations());
    assertThat(slicer.split(second)).isEqualTo(GatewayConfigs.split(second));
    assertThat(slicer.split(second).get("ns/a").destinations())
        .extracting(d -> d.name())
        .containsExactly("service/ns/other/80");
    assertThat(slicer.split(both)).isEqualTo(GatewayConfigs.split(both));
    assertThat(slicer.split(first)).isEqualTo(GatewayConfigs.split(first));
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
