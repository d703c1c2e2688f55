package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.echo.EchoServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Standalone mode beyond plain HTTP, through the real jar: an HTTPS listener with a certificate
 * from a {@code kubernetes.io/tls} Secret, and a TCP listener with a TCPRoute.
 */
class StandaloneProtocolsIT {
  @TempDir static Path dir;
  @TempDir static Path work;

  static EchoServer echo;
  static ArchwayProcess archway;
  static int httpsPort;
  static int tcpPort;
  static X509Certificate certificate;

  @BeforeAll
  static void start() throws Exception {
    echo = EchoServer.start("web", new InetSocketAddress("127.0.0.1", 0));
    Path key = work.resolve("tls.key");
    Path cert = work.resolve("tls.crt");
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=app.example.test",
                "-addext",
                "subjectAltName=DNS:app.example.test,DNS:*.example.test",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("openssl.log").toFile())
            .start();
    assertThat(openssl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue()).as(Files.readString(work.resolve("openssl.log"))).isZero();
    byte[] certPem = Files.readAllBytes(cert);
    certificate =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certPem));

    httpsPort = ArchwayProcess.freePort();
    tcpPort = ArchwayProcess.freePort();
    String admin = "127.0.0.1:" + ArchwayProcess.freePort();
    Files.writeString(
        dir.resolve("gateway.yaml"),
        StandaloneManifests.classAndTlsSecret("app-cert", certPem, Files.readAllBytes(key))
            + """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: archway
          listeners:
          - name: https
            protocol: HTTPS
            port: %d
            hostname: "*.example.test"
            tls:
              mode: Terminate
              certificateRefs: [{name: app-cert}]
          - name: tcp
            protocol: TCP
            port: %d
        ---
        apiVersion: archway.dev/v1alpha1
        kind: Backend
        metadata: {name: web}
        spec: {endpoints: [{ip: {address: 127.0.0.1, port: %d}}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: secure}
        spec:
          parentRefs: [{name: gw, sectionName: https}]
          rules: [{backendRefs: [{group: archway.dev, kind: Backend, name: web}]}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: TCPRoute
        metadata: {name: raw}
        spec:
          parentRefs: [{name: gw, sectionName: tcp}]
          rules: [{backendRefs: [{group: archway.dev, kind: Backend, name: web}]}]
        """
                .formatted(httpsPort, tcpPort, echo.port()));
    archway =
        ArchwayProcess.start(
                work.resolve("archway.log"), "run", "-f", dir.toString(), "--admin-address", admin)
            .awaitReady(admin);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (archway != null) {
      archway.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  private static SSLSocket tlsSocket(String... alpn) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("app", certificate);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", httpsPort);
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    // The name the certificate is for: SNI picks it, and the identity check verifies it.
    parameters.setServerNames(List.of(new SNIHostName("app.example.test")));
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    parameters.setApplicationProtocols(alpn);
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  @Test
  void servesHttpsWithTheSecretsCertificateChosenBySni() throws Exception {
    try (SSLSocket socket = tlsSocket("http/1.1")) {
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /hello?x=1 HTTP/1.1\r\nHost: app.example.test\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).as(archway.output()).startsWith("HTTP/1.1 200");
      var body = JsonMapper.shared().readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
      assertThat(body.path("path").asString()).isEqualTo("/hello?x=1");
      assertThat(body.at("/headers/X-Forwarded-Proto/0").asString()).isEqualTo("https");
    }
  }

  @Test
  void negotiatesHttp2ByAlpn() throws Exception {
    try (SSLSocket socket = tlsSocket("h2", "http/1.1")) {
      assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
    }
  }

  @Test
  void forwardsRawBytesThroughTheTcpListener() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", tcpPort)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /over-tcp HTTP/1.1\r\nHost: raw\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 200").contains("\"path\":\"/over-tcp\"");
    }
  }
}
