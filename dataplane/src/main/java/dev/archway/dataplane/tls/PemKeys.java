package dev.archway.dataplane.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM the IR carries: certificates through the JDK's {@link CertificateFactory}, keys as
 * the one form the IR holds them in, a PKCS#8 {@code PRIVATE KEY} block ({@link
 * dev.archway.ir.TlsCertificate}; the translator turns a Secret's PKCS#1 or SEC1 key into it).
 */
final class PemKeys {
  private static final Pattern KEY_BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([^-]*)-----END \\1PRIVATE KEY-----",
          Pattern.DOTALL);
  private static final List<String> KEY_ALGORITHMS =
      List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

  private PemKeys() {}

  /** Every {@code CERTIFICATE} block, in order; throws when there is none or one is malformed. */
  static X509Certificate[] certificates(String pem) throws GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> certs = new ArrayList<>();
    for (var c :
        factory.generateCertificates(
            new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      certs.add((X509Certificate) c);
    }
    if (certs.isEmpty()) {
      throw new CertificateException("no CERTIFICATE block");
    }
    return certs.toArray(new X509Certificate[0]);
  }

  /** The key of the first PKCS#8 {@code PRIVATE KEY} block. */
  static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    Matcher m = KEY_BLOCK.matcher(pem);
    if (!m.find()) {
      throw new GeneralSecurityException("no PRIVATE KEY block");
    }
    if (!m.group(1).isEmpty()) {
      throw new GeneralSecurityException(
          m.group(1) + "PRIVATE KEY is not PKCS#8 (expected: PRIVATE KEY, as the IR holds keys)");
    }
    byte[] pkcs8 = Base64.getMimeDecoder().decode(m.group(2).trim());
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next one
      }
    }
    throw new GeneralSecurityException("not a valid private key");
  }
}
