package dev.archway.app.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The sync server renews its certificate while it runs: with a validity of a few seconds, new
 * connections get a new certificate before the first one expires, and still complete a mutual TLS
 * handshake (which the JDK client refuses with an expired certificate, or one not for the address)
 * after it expired.
 */
class ServerCertificateRenewalTest {
  private static final char[] PASSWORD = "test".toCharArray();

  private final CertificateAuthority ca =
      CertificateAuthority.create("archway-renewal-test", Clock.systemUTC());
  private final CertificateAuthority.Issued proxy =
      ca.issueProxy("default/gw", Duration.ofHours(1));

  @Test
  void newConnectionsGetARenewedCertificateWithoutARestart() throws Exception {
    try (SyncServer server =
        SyncServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            ca,
            List.of("127.0.0.1"),
            Duration.ofSeconds(6))) {
      X509Certificate first = handshake(server.port());
      assertThat(first).isEqualTo(server.serverCertificate());

      // Renewed when a third of the validity is left: a new certificate for new connections.
      await().atMost(Duration.ofSeconds(60)).until(() -> !handshake(server.port()).equals(first));
      X509Certificate second = handshake(server.port());
      assertThat(second.getNotAfter()).isAfter(first.getNotAfter());
      assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());

      // Once the first certificate has expired, a handshake still succeeds: the client validates
      // what it is served against the clock.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Instant.now().isAfter(first.getNotAfter().toInstant()));
      X509Certificate later = handshake(server.port());
      assertThat(later.getNotAfter().toInstant()).isAfter(Instant.now());
    }
  }

  /**
   * A proxy's mutual TLS handshake with the sync server, on a fresh context (no session is
   * resumed), verifying the server's certificate against the CA and the address; returns it.
   */
  private X509Certificate handshake(int port) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("proxy", proxy.key(), PASSWORD, new Certificate[] {proxy.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the IP SAN 127.0.0.1
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }
}
