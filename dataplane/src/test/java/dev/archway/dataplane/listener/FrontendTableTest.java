package dev.archway.dataplane.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.dataplane.routing.InvalidConfigException;
import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.routing.RouteTable;
import dev.archway.dataplane.tls.TestPki;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.ServerTls;
import dev.archway.ir.TcpListener;
import dev.archway.ir.TlsCertificate;
import dev.archway.ir.TlsListener;
import dev.archway.ir.TlsRoute;
import dev.archway.ir.TlsVirtualHost;
import dev.archway.ir.UdpListener;
import dev.archway.ir.VirtualHost;
import dev.archway.ir.WeightedBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrontendTableTest {
  private static final TestPki CA = TestPki.ca("ca");
  private static final TlsCertificate CERT = CA.issue("a", "a.example.com").ir("secret/ns/a");
  private static final Destination ECHO =
      new Destination("service/ns/echo/7", null, List.of(new Endpoint("127.0.0.1", 7)));

  private static FrontendTable compile(GatewayIr... gateways) {
    DataPlaneConfig config = new DataPlaneConfig(List.of(gateways), List.of(ECHO));
    return FrontendTable.compile(config, RouteTable.compile(config), FrontendTable.EMPTY);
  }

  private static GatewayIr gateway(
      List<HttpListener> http,
      List<TlsListener> tls,
      List<TcpListener> tcp,
      List<UdpListener> udp) {
    return new GatewayIr("gateway/ns/gw", "127.0.0.1", http, tls, tcp, udp, null, null);
  }

  private static TcpListener tcp(int port) {
    return new TcpListener(
        "gateway/ns/gw/port/" + port,
        port,
        "tcproute/ns/r",
        List.of(new WeightedBackend("service/ns/echo/7", 1, null)));
  }

  @Test
  void everyKindOfListenerGetsItsPortAndUdpSharesNumbersWithTcp() {
    FrontendTable table =
        compile(
            gateway(
                List.of(new HttpListener("gateway/ns/gw/port/80", 80, List.of())),
                List.of(
                    new TlsListener(
                        "gateway/ns/gw/port/443",
                        443,
                        List.of(
                            new TlsVirtualHost(
                                "gateway/ns/gw/listener/tls",
                                "a.example.com",
                                new ServerTls(List.of(CERT), null),
                                List.of(
                                    new TlsRoute("tlsroute/ns/t", "a.example.com", List.of())))))),
                List.of(tcp(5000)),
                List.of(new UdpListener("gateway/ns/gw/port/5000/udp", 5000, null, List.of()))));
    assertThat(table.entries())
        .extracting(FrontendTable.Entry::name)
        .containsExactly(
            "gateway/ns/gw/port/80",
            "gateway/ns/gw/port/443",
            "gateway/ns/gw/port/5000",
            "gateway/ns/gw/port/5000/udp");
    assertThat(table.tcp(new ListenerKey("127.0.0.1", 80))).isInstanceOf(Frontend.Http.class);
    assertThat(table.tcp(new ListenerKey("127.0.0.1", 443))).isInstanceOf(Frontend.Tls.class);
    assertThat(table.tcp(new ListenerKey("127.0.0.1", 5000))).isInstanceOf(Frontend.Tcp.class);
    assertThat(table.udp(new ListenerKey("127.0.0.1", 5000))).isNotNull();
    assertThat(table.conflicts()).isEmpty();
  }

  @Test
  void aLaterListenerOnATakenPortIsAConflict() {
    GatewayIr first =
        gateway(
            List.of(new HttpListener("gateway/ns/gw/port/80", 80, List.of())), null, null, null);
    GatewayIr second =
        new GatewayIr(
            "gateway/ns/other",
            "127.0.0.1",
            null,
            null,
            List.of(new TcpListener("gateway/ns/other/port/80", 80, null, List.of())),
            null,
            null,
            null);
    FrontendTable table = compile(first, second);
    assertThat(table.conflicts())
        .containsOnlyKeys("gateway/ns/other/port/80")
        .containsValue("address 127.0.0.1:80 is already used by gateway/ns/gw/port/80");
  }

  @Test
  void rejectsHttpsWithoutCertificatesBadPemAndUnknownDestinations() {
    HttpListener noTls =
        new HttpListener(
            "gateway/ns/gw/port/443",
            443,
            List.of(new VirtualHost("gateway/ns/gw/listener/https", "*", List.of())),
            HttpListener.Protocol.HTTPS);
    assertThatThrownBy(() -> compile(gateway(List.of(noTls), null, null, null)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("gateways[0].httpListeners[0].virtualHosts[0].tls");

    TlsCertificate broken = new TlsCertificate("secret/ns/broken", "not pem", "not pem", List.of());
    HttpListener badPem =
        new HttpListener(
            "gateway/ns/gw/port/443",
            443,
            List.of(
                new VirtualHost(
                    "gateway/ns/gw/listener/https",
                    "*",
                    List.of(),
                    new ServerTls(List.of(broken), null))),
            HttpListener.Protocol.HTTPS);
    assertThatThrownBy(() -> compile(gateway(List.of(badPem), null, null, null)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("virtualHosts[0].tls.certificates[0]: secret/ns/broken");

    TcpListener unknown =
        new TcpListener(
            "gateway/ns/gw/port/9",
            9,
            "tcproute/ns/r",
            List.of(new WeightedBackend("nope", 1, null)));
    assertThatThrownBy(() -> compile(gateway(null, null, List.of(unknown), null)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("gateways[0].tcpListeners[0].backends[0].destination: nope");
  }

  @Test
  void unchangedCertificatesKeepTheirContextAcrossApplies() {
    DataPlaneConfig config =
        new DataPlaneConfig(
            List.of(
                gateway(
                    List.of(
                        new HttpListener(
                            "gateway/ns/gw/port/443",
                            443,
                            List.of(
                                new VirtualHost(
                                    "gateway/ns/gw/listener/https",
                                    "*",
                                    List.of(),
                                    new ServerTls(List.of(CERT), null))),
                            HttpListener.Protocol.HTTPS)),
                    null,
                    null,
                    null)),
            List.of());
    RouteTable routes = RouteTable.compile(config);
    FrontendTable first = FrontendTable.compile(config, routes, FrontendTable.EMPTY);
    FrontendTable second = FrontendTable.compile(config, routes, first);
    ListenerKey key = new ListenerKey("127.0.0.1", 443);
    var site1 = ((Frontend.Http) first.tcp(key)).https().select("a.example.com");
    var site2 = ((Frontend.Http) second.tcp(key)).https().select("a.example.com");
    assertThat(site2.certificates().select("a.example.com"))
        .isSameAs(site1.certificates().select("a.example.com"));
  }
}
