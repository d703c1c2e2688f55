package dev.archway.dataplane;

import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.dataplane.tls.TestPki;
import dev.archway.echo.EchoServer;
import dev.archway.ir.ClientValidation;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.ServerTls;
import dev.archway.ir.TlsCertificate;
import dev.archway.ir.VirtualHost;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** HTTPS listeners through real sockets and real TLS: SNI, ALPN, rotation, 421, client certs. */
class HttpsIT {
  private static final TestPki CA = TestPki.ca("archway-test-ca");
  private static final TestPki CLIENT_CA = TestPki.ca("archway-client-ca");
  private static final TestPki.Issued CERT_A = CA.issue("cert-a", "a.example.com");
  private static final TestPki.Issued CERT_W = CA.issue("cert-wildcard", "*.example.com");
  private static final TestPki.Issued CERT_D = CA.issue("cert-default", "default.test");
  private static EchoServer va;
  private static EchoServer vw;
  private static EchoServer vd;
  private static DataPlane dataPlane;
  private static int port;
  private static int strictPort;
  private static int fallbackPort;
  private static SSLContext trustCa;

  @BeforeAll
  static void start() {
    va = E2e.echo("backend-a");
    vw = E2e.echo("backend-wildcard");
    vd = E2e.echo("backend-default");
    port = E2e.freePort();
    strictPort = E2e.freePort();
    fallbackPort = E2e.freePort();
    trustCa = CA.clientContext();
    dataPlane = E2e.dataPlane();
    ApplyResult result = dataPlane.apply(config(CERT_A));
    assertThat(result.allBound()).as(result.toString()).isTrue();
  }

  @AfterAll
  static void stop() {
    dataPlane.close();
    va.close();
    vw.close();
    vd.close();
  }

  private static DataPlaneConfig config(TestPki.Issued certA) {
    ClientValidation strict =
        new ClientValidation(CLIENT_CA.pem(), ClientValidation.Mode.ALLOW_VALID_ONLY);
    ClientValidation fallback =
        new ClientValidation(CLIENT_CA.pem(), ClientValidation.Mode.ALLOW_INSECURE_FALLBACK);
    return new DataPlaneConfig(
        List.of(
            new GatewayIr(
                "gateway/default/gw",
                "127.0.0.1",
                List.of(
                    https(
                        port,
                        List.of(
                            vhost(
                                "a",
                                "a.example.com",
                                certA.ir("secret/default/a"),
                                null,
                                "service/default/a/80"),
                            vhost(
                                "wild",
                                "*.example.com",
                                CERT_W.ir("secret/default/w"),
                                null,
                                "service/default/w/80"),
                            vhost(
                                "default",
                                "*",
                                CERT_D.ir("secret/default/d"),
                                null,
                                "service/default/d/80"))),
                    https(
                        strictPort,
                        List.of(
                            vhost(
                                "strict",
                                "*",
                                CERT_D.ir("secret/default/d"),
                                strict,
                                "service/default/d/80"))),
                    https(
                        fallbackPort,
                        List.of(
                            vhost(
                                "fallback",
                                "*",
                                CERT_D.ir("secret/default/d"),
                                fallback,
                                "service/default/d/80")))))),
        List.of(
            E2e.destination("service/default/a/80", va),
            E2e.destination("service/default/d/80", vd),
            E2e.destination("service/default/w/80", vw)));
  }

  private static HttpListener https(int port, List<VirtualHost> hosts) {
    return new HttpListener(
        "gateway/default/gw/port/" + port, port, hosts, HttpListener.Protocol.HTTPS);
  }

  private static VirtualHost vhost(
      String listener,
      String hostname,
      TlsCertificate cert,
      ClientValidation validation,
      String destination) {
    return new VirtualHost(
        "gateway/default/gw/listener/" + listener,
        hostname,
        List.of(
            route("httproute/default/" + listener, hostname, prefix("/"), backend(destination, 1))),
        new ServerTls(List.of(cert), validation));
  }

  @Test
  void certificateIsChosenBySniExactThenWildcardThenDefault() {
    assertThat(TlsClients.servedCn(port, "a.example.com", CA.clientContext())).isEqualTo("cert-a");
    assertThat(TlsClients.servedCn(port, "b.example.com", CA.clientContext()))
        .isEqualTo("cert-wildcard");
    assertThat(TlsClients.servedCn(port, "deep.b.example.com", CA.clientContext()))
        .isEqualTo("cert-wildcard");
    assertThat(TlsClients.servedCn(port, "other.test", CA.clientContext()))
        .isEqualTo("cert-default");
    assertThat(TlsClients.servedCn(port, null, CA.clientContext())).isEqualTo("cert-default");
  }

  @Test
  void routesOnTheListenerSniChoseAndSaysHttpsUpstream() throws IOException {
    TlsClients.Response a =
        TlsClients.get(port, "a.example.com", CA.clientContext(), "a.example.com", "/x");
    assertThat(a.status()).isEqualTo(200);
    JsonNode echo = E2e.json(a.body());
    assertThat(echo.get("pod").asString()).isEqualTo("backend-a");
    assertThat(echo.get("headers").get("X-Forwarded-Proto").get(0).asString()).isEqualTo("https");
    TlsClients.Response w =
        TlsClients.get(port, "b.example.com", CA.clientContext(), "b.example.com:443", "/");
    assertThat(E2e.json(w.body()).get("pod").asString()).isEqualTo("backend-wildcard");
  }

  @Test
  void hostOfAnotherListenerThanSniIsMisdirectedOverHttp1() throws IOException {
    assertThat(
            TlsClients.get(port, "a.example.com", CA.clientContext(), "b.example.com", "/")
                .status())
        .isEqualTo(421);
    assertThat(
            TlsClients.get(port, "b.example.com", CA.clientContext(), "a.example.com", "/")
                .status())
        .isEqualTo(421);
    assertThat(TlsClients.get(port, null, CA.clientContext(), "a.example.com", "/").status())
        .isEqualTo(421);
  }

  @Test
  void alpnNegotiatesHttp2AndHttp11() throws Exception {
    for (HttpClient.Version version :
        List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
      try (HttpClient client = client(version, null)) {
        HttpResponse<String> response =
            client.send(get(port, "/alpn"), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(version);
        JsonNode echo = E2e.json(response.body());
        assertThat(echo.get("pod").asString()).isEqualTo("backend-default");
        assertThat(echo.get("headers").get("X-Forwarded-Proto").get(0).asString())
            .isEqualTo("https");
      }
    }
  }

  @Test
  void hostOfAnotherListenerThanSniIsMisdirectedOverHttp2() throws Exception {
    // SNI a.example.com picks listener "a"; :authority 127.0.0.1 selects the "*" listener.
    try (HttpClient client = client(HttpClient.Version.HTTP_2, "a.example.com")) {
      HttpResponse<String> response =
          client.send(get(port, "/"), HttpResponse.BodyHandlers.ofString());
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(421);
    }
  }

  @Test
  void rotatedCertificateServesNewHandshakesAndOldConnectionsKeepWorking() throws IOException {
    TestPki.Issued rotated = CA.issue("cert-a-rotated", "a.example.com");
    try (SSLSocket old = TlsClients.connect(port, "a.example.com", CA.clientContext())) {
      assertThat(TlsClients.get(old, "a.example.com", "/before").status()).isEqualTo(200);
      ApplyResult result = dataPlane.apply(config(rotated));
      try {
        assertThat(result.allBound()).isTrue();
        assertThat(TlsClients.servedCn(port, "a.example.com", CA.clientContext()))
            .isEqualTo("cert-a-rotated");
        assertThat(TlsClients.get(old, "a.example.com", "/after").status()).isEqualTo(200);
        assertThat(
                TestPki.cnOf(
                    (java.security.cert.X509Certificate) old.getSession().getPeerCertificates()[0]))
            .isEqualTo("cert-a");
      } finally {
        dataPlane.apply(config(CERT_A));
      }
    }
  }

  @Test
  void allowValidOnlyRequiresAClientCertificateFromTheBundle() throws IOException {
    TestPki.Issued valid = CLIENT_CA.issue("client-ok", "client.test");
    TestPki.Issued foreign = CA.issue("client-foreign", "client.test");
    assertThat(TlsClients.get(strictPort, null, valid.clientContext(CA), "127.0.0.1", "/").status())
        .isEqualTo(200);
    assertThatThrownBy(() -> TlsClients.get(strictPort, null, CA.clientContext(), "127.0.0.1", "/"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () -> TlsClients.get(strictPort, null, foreign.clientContext(CA), "127.0.0.1", "/"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void allowInsecureFallbackAdmitsMissingAndInvalidCertificates() throws IOException {
    TestPki.Issued valid = CLIENT_CA.issue("client-ok", "client.test");
    TestPki.Issued foreign = CA.issue("client-foreign", "client.test");
    assertThat(
            TlsClients.get(fallbackPort, null, valid.clientContext(CA), "127.0.0.1", "/").status())
        .isEqualTo(200);
    assertThat(TlsClients.get(fallbackPort, null, CA.clientContext(), "127.0.0.1", "/").status())
        .isEqualTo(200);
    assertThat(
            TlsClients.get(fallbackPort, null, foreign.clientContext(CA), "127.0.0.1", "/")
                .status())
        .isEqualTo(200);
  }

  private static HttpClient client(HttpClient.Version version, String sni) {
    SSLParameters parameters = new SSLParameters();
    // java.net.http offers h2 only when the parameters name TLS 1.2 or 1.3 explicitly.
    parameters.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
    if (sni != null) {
      parameters.setServerNames(List.of(new SNIHostName(sni)));
    }
    return HttpClient.newBuilder()
        .version(version)
        .sslContext(CA.clientContext())
        .sslParameters(parameters)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpRequest get(int port, String path) {
    return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .build();
  }
}
