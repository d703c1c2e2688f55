package dev.archway.app.kubernetes;

import dev.archway.app.sync.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One {@code GET /} over TLS to an HTTPS listener, as a client that accepts any server certificate
 * (the caller compares the one presented) and presents a client certificate when given one.
 */
final class HttpsProbe {
  private HttpsProbe() {}

  /** The certificate an HTTPS listener presented, and whether the request reached the backend. */
  record Served(X509Certificate certificate, boolean reachedBackend) {}

  /**
   * GET / with SNI {@code host}; the request reached the backend when the response is a 200 whose
   * body names {@code backend} (the echo's pod name).
   *
   * @param client the client certificate to present, or null for none
   */
  static Served get(
      String address, int port, String host, String backend, CertificateAuthority.Issued client)
      throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers(client), new TrustManager[] {new AcceptAny()}, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(address, port)) {
      socket.setSoTimeout(5000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(host)));
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      X509Certificate presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      socket
          .getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Served(
          presented, response.startsWith("HTTP/1.1 200") && response.contains(backend));
    }
  }

  /**
   * Whether the request reached the backend; false when the listener refused the client (with TLS
   * 1.3 a refused client certificate shows as an alert after the handshake, on the first read).
   */
  static boolean reaches(
      String address, int port, String host, String backend, CertificateAuthority.Issued client) {
    try {
      return get(address, port, host, backend, client).reachedBackend();
    } catch (Exception e) {
      return false;
    }
  }

  private static KeyManager[] keyManagers(CertificateAuthority.Issued client) throws Exception {
    if (client == null) {
      return null;
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = "probe".toCharArray();
    store.setKeyEntry("client", client.key(), password, new Certificate[] {client.certificate()});
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    return factory.getKeyManagers();
  }

  /** The test compares the presented certificate itself. */
  private static final class AcceptAny implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
