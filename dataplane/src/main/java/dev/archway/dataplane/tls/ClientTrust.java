package dev.archway.dataplane.tls;

import dev.archway.ir.ClientValidation;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies client certificates against a listener's CA bundle (GEP-91). With {@code
 * AllowInsecureFallback} a certificate that fails verification must not fail the handshake, so the
 * check is made and its failure ignored: the client is admitted as if it had sent none.
 */
final class ClientTrust {
  private ClientTrust() {}

  static X509ExtendedTrustManager of(X509Certificate[] anchors, ClientValidation.Mode mode)
      throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException(e);
    }
    for (int i = 0; i < anchors.length; i++) {
      store.setCertificateEntry("ca-" + i, anchors[i]);
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    X509ExtendedTrustManager strict = null;
    for (var tm : factory.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        strict = x;
      }
    }
    if (strict == null) {
      throw new GeneralSecurityException("no X509ExtendedTrustManager");
    }
    return mode == ClientValidation.Mode.ALLOW_VALID_ONLY ? strict : new Lenient(strict);
  }

  /** Checks like the strict manager for the server's own use but never rejects a client. */
  private static final class Lenient extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager strict;

    Lenient(X509ExtendedTrustManager strict) {
      this.strict = strict;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // AllowInsecureFallback: an unverifiable client is admitted.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // AllowInsecureFallback: an unverifiable client is admitted.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // AllowInsecureFallback: an unverifiable client is admitted.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      strict.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      strict.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      strict.checkServerTrusted(chain, authType, engine);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return strict.getAcceptedIssuers();
    }
  }
}
