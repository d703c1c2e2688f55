package dev.archway.ir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class IrCodecTest {
  private static final HttpRoute ROUTE =
      new HttpRoute(
          "httproute/default/r/rule/0/match/0",
          "foo.example.com",
          new HttpMatch(
              new PathMatch(PathMatch.Type.EXACT, "/a"),
              "GET",
              List.of(new HeaderMatch("x-env", StringMatchType.EXACT, "canary")),
              List.of()),
          List.of(
              new HttpFilter.RequestRedirect(
                  "https",
                  null,
                  null,
                  new HttpFilter.PathModifier(
                      HttpFilter.PathModifier.Type.REPLACE_PREFIX_MATCH, "/b", "/a"),
                  301),
              new HttpFilter.RequestHeaderModifier(
                  List.of(new HttpFilter.Header("x-a", "1")), null, List.of("x-b"))),
          List.of(
              new WeightedBackend("service/default/echo/80", 3, null),
              new WeightedBackend(null, 1, null)));

  private static final DataPlaneConfig CONFIG =
      new DataPlaneConfig(
          List.of(
              new GatewayIr(
                  "gateway/default/gw",
                  null,
                  List.of(
                      new HttpListener(
                          "gateway/default/gw/port/8080",
                          8080,
                          List.of(
                              new VirtualHost(
                                  "gateway/default/gw/listener/http",
                                  "*.example.com",
                                  List.of(ROUTE))))))),
          List.of(
              new Destination(
                  "service/default/echo/80",
                  Destination.AppProtocol.HTTP1,
                  List.of(new Endpoint("127.0.0.1", 3000)))));

  @Test
  void yamlRoundTripKeepsEveryField() {
    String yaml = IrCodec.toYaml(CONFIG);
    assertThat(IrCodec.fromYaml(yaml)).isEqualTo(CONFIG);
    assertThat(yaml).contains("type: RequestRedirect").doesNotContain("null");
  }

  @Test
  void jsonRoundTripKeepsEveryField() {
    assertThat(IrCodec.fromJson(IrCodec.toJson(CONFIG))).isEqualTo(CONFIG);
  }

  @Test
  void emptyValuesAreLeftOut() {
    assertThat(IrCodec.toYaml(DataPlaneConfig.EMPTY).strip()).isEqualTo("{}");
  }
}
