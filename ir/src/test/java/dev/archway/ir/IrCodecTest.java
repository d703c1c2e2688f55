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

  private static final TlsCertificate CERT =
      new TlsCertificate(
          "secret/default/cert",
          "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
          "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
          List.of("*.example.com", "example.com"));

  private static final DataPlaneConfig EVERY_KIND =
      new DataPlaneConfig(
          List.of(
              new GatewayIr(
                  "gateway/default/gw",
                  "0.0.0.0",
                  List.of(
                      new HttpListener(
                          "gateway/default/gw/port/443",
                          443,
                          List.of(
                              new VirtualHost(
                                  "gateway/default/gw/listener/https",
                                  "*",
                                  List.of(
                                      new HttpRoute(
                                          "grpcroute/default/g/rule/0/match/0",
                                          "*",
                                          HttpMatch.ANY,
                                          List.of(),
                                          List.of(
                                              new WeightedBackend("service/default/g/80", 1, null)),
                                          new HttpRouteOptions(
                                              List.of(
                                                  new HttpRouteOptions.RequestMirror(
                                                      "service/default/m/80", 1, 2)),
                                              new HttpRouteOptions.Cors(
                                                  List.of("https://*.bar.com"),
                                                  true,
                                                  List.of("GET"),
                                                  List.of(),
                                                  List.of("x-a"),
                                                  5),
                                              new HttpRouteOptions.Timeouts(500L, null),
                                              new HttpRouteOptions.Retry(List.of(503), 2, 100),
                                              "named",
                                              true))),
                                  new ServerTls(
                                      List.of(CERT),
                                      new ClientValidation(
                                          "-----BEGIN CERTIFICATE-----\n",
                                          ClientValidation.Mode.ALLOW_INSECURE_FALLBACK)))),
                          HttpListener.Protocol.HTTPS)),
                  List.of(
                      new TlsListener(
                          "gateway/default/gw/port/8443",
                          8443,
                          List.of(
                              new TlsVirtualHost(
                                  "gateway/default/gw/listener/tls",
                                  "*.example.com",
                                  null,
                                  List.of(
                                      new TlsRoute(
                                          "tlsroute/default/t",
                                          "a.example.com",
                                          List.of(new WeightedBackend(null, 1, null)))))))),
                  List.of(
                      new TcpListener(
                          "gateway/default/gw/port/9000",
                          9000,
                          "tcproute/default/t",
                          List.of(new WeightedBackend("service/default/t/9000", 1, null)))),
                  List.of(
                      new UdpListener(
                          "gateway/default/gw/port/53/udp",
                          53,
                          "udproute/default/u",
                          List.of(new WeightedBackend("service/default/dns/53", 1, null)))),
                  CERT,
                  new Infrastructure(
                      java.util.Map.of("a", "b"),
                      java.util.Map.of(),
                      "proxy",
                      2,
                      "ClusterIP",
                      null,
                      "100m",
                      null,
                      null,
                      null,
                      "debug",
                      4,
                      true))),
          List.of(
              new Destination(
                  "service/default/g/80",
                  Destination.AppProtocol.H2C,
                  List.of(new Endpoint("10.0.0.1", 3000)),
                  new UpstreamTls(
                      null,
                      true,
                      "g.example.com",
                      List.of(
                          new UpstreamTls.SubjectAltName(
                              UpstreamTls.SubjectAltName.Type.URI, "spiffe://a/b"))))));

  @Test
  void everyKindRoundTrips() {
    assertThat(IrCodec.fromYaml(IrCodec.toYaml(EVERY_KIND))).isEqualTo(EVERY_KIND);
    assertThat(IrCodec.fromJson(IrCodec.toJson(EVERY_KIND))).isEqualTo(EVERY_KIND);
  }

  @Test
  void unsetNewComponentsAreLeftOut() {
    String yaml = IrCodec.toYaml(CONFIG);
    assertThat(yaml).doesNotContain("options").doesNotContain("tls");
    assertThat(IrCodec.toYaml(EVERY_KIND)).doesNotContain("empty");
    assertThat(
            new HttpRoute(
                    "r",
                    "*",
                    null,
                    null,
                    null,
                    new HttpRouteOptions(null, null, null, null, null, false))
                .options())
        .isNull();
  }

  @Test
  void emptyValuesAreLeftOut() {
    assertThat(IrCodec.toYaml(DataPlaneConfig.EMPTY).strip()).isEqualTo("{}");
  }
}
