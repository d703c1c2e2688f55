package dev.archway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.dataplane.tls.TestPki;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.ServerTls;
import dev.archway.ir.TlsListener;
import dev.archway.ir.TlsRoute;
import dev.archway.ir.TlsVirtualHost;
import dev.archway.ir.WeightedBackend;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS listeners: passthrough by SNI, termination to plain TCP, both on one port (mixed). */
class TlsRouteIT {
  private static final TestPki CA = TestPki.ca("archway-test-ca");
  private static final TestPki.Issued BACKEND_CERT =
      CA.issue("backend-owned", "pass.example.com", "*.wild.example.com", "broken.example.com");
  private static final TestPki.Issued GATEWAY_CERT = CA.issue("gateway-term", "term.example.com");
  private static L4Servers.Backend passA;
  private static L4Servers.Backend passB;
  private static L4Servers.Backend plain;
  private static DataPlane dataPlane;
  private static int port;

  @BeforeAll
  static void start() {
    passA = L4Servers.tcpEcho("pass-a", BACKEND_CERT.serverContext());
    passB = L4Servers.tcpEcho("pass-b", BACKEND_CERT.serverContext());
    plain = L4Servers.tcpEcho("plain", null);
    port = E2e.freePort();
    dataPlane = E2e.dataPlane();
    ApplyResult result = dataPlane.apply(config());
    assertThat(result.allBound()).as(result.toString()).isTrue();
  }

  @AfterAll
  static void stop() {
    dataPlane.close();
    passA.close();
    passB.close();
    plain.close();
  }

  private static DataPlaneConfig config() {
    TlsListener listener =
        new TlsListener(
            "gateway/default/gw/port/" + port,
            port,
            List.of(
                host(
                    "broken",
                    "broken.example.com",
                    null,
                    new WeightedBackend(null, 1, null),
                    backend("a", 1)),
                host("pass", "pass.example.com", null, backend("a", 1)),
                host(
                    "term",
                    "term.example.com",
                    new ServerTls(List.of(GATEWAY_CERT.ir("secret/default/term")), null),
                    backend("plain", 1)),
                host("wild", "*.wild.example.com", null, backend("a", 1), backend("b", 1))));
    return new DataPlaneConfig(
        List.of(
            new GatewayIr(
                "gateway/default/gw",
                "127.0.0.1",
                List.of(),
                List.of(listener),
                List.of(),
                List.of(),
                null,
                null)),
        List.of(destination("a", passA), destination("b", passB), destination("plain", plain)));
  }

  private static TlsVirtualHost host(
      String name, String hostname, ServerTls terminate, WeightedBackend... backends) {
    return new TlsVirtualHost(
        "gateway/default/gw/listener/" + name,
        hostname,
        terminate,
        List.of(new TlsRoute("tlsroute/default/" + name, hostname, List.of(backends))));
  }

  private static WeightedBackend backend(String name, int weight) {
    return new WeightedBackend("service/default/" + name + "/443", weight, null);
  }

  private static Destination destination(String name, L4Servers.Backend backend) {
    return new Destination(
        "service/default/" + name + "/443",
        Destination.AppProtocol.HTTP1,
        List.of(new Endpoint("127.0.0.1", backend.port())));
  }

  private static byte[] payload(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  @Test
  void passthroughPicksTheRouteBySniAndLeavesTlsToTheBackend() throws IOException {
    try (SSLSocket socket = TlsClients.connect(port, "pass.example.com", CA.clientContext())) {
      assertThat(TestPki.cnOf((X509Certificate) socket.getSession().getPeerCertificates()[0]))
          .isEqualTo("backend-owned");
      assertThat(L4Servers.greeting(socket.getInputStream()))
          .isEqualTo("pass-a sni=pass.example.com");
      byte[] payload = payload(4 * 1024 * 1024);
      assertThat(L4Servers.echo(socket, payload)).isEqualTo(payload);
    }
  }

  @Test
  void terminateDecryptsWithTheGatewayCertificateAndPipesPlaintext() throws IOException {
    try (SSLSocket socket = TlsClients.connect(port, "term.example.com", CA.clientContext())) {
      assertThat(TestPki.cnOf((X509Certificate) socket.getSession().getPeerCertificates()[0]))
          .isEqualTo("gateway-term");
      assertThat(L4Servers.greeting(socket.getInputStream())).isEqualTo("plain");
      byte[] payload = payload(4 * 1024 * 1024 + 7);
      assertThat(L4Servers.echo(socket, payload)).isEqualTo(payload);
    }
  }

  @Test
  void wildcardListenerSpreadsConnectionsOverWeightedBackends() throws IOException {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 24; i++) {
      String sni = "host" + i + ".wild.example.com";
      try (SSLSocket socket = TlsClients.connect(port, sni, CA.clientContext())) {
        String[] greeting = L4Servers.greeting(socket.getInputStream()).split(" ");
        assertThat(greeting[1]).isEqualTo("sni=" + sni);
        seen.merge(greeting[0], 1, Integer::sum);
      }
    }
    assertThat(seen).containsOnlyKeys("pass-a", "pass-b");
  }

  @Test
  void connectionsWithoutAMatchingListenerAreClosed() {
    assertThatThrownBy(
            () -> TlsClients.connect(port, "nope.example.org", CA.clientContext()).close())
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () -> TlsClients.connect(port, "wild.example.com", CA.clientContext()).close())
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> TlsClients.connect(port, null, CA.clientContext()).close())
        .isInstanceOf(IOException.class);
  }

  @Test
  void theShareOfAnInvalidBackendIsRefused() {
    int served = 0;
    int refused = 0;
    for (int i = 0; i < 40; i++) {
      try (SSLSocket socket = TlsClients.connect(port, "broken.example.com", CA.clientContext())) {
        assertThat(L4Servers.greeting(socket.getInputStream())).startsWith("pass-a");
        served++;
      } catch (IOException e) {
        refused++;
      }
    }
    assertThat(served).isPositive();
    assertThat(refused).isPositive();
  }
}
