package dev.archway.dataplane.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
 * Reads the PEM the IR carries. Certificates go through the JDK's {@link CertificateFactory}; keys
 * may be PKCS#8, PKCS#1 RSA or SEC1 EC (as a Secret holds them), and the last two are wrapped into
 * PKCS#8 here because neither the JDK nor Netty reads them without BouncyCastle.
 */
final class PemKeys {
  private static final Pattern KEY_BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([^-]*)-----END \\1PRIVATE KEY-----",
          Pattern.DOTALL);
  private static final byte[] RSA_ENCRYPTION = {
    0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };
  private static final byte[] EC_PUBLIC_KEY = {
    0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "RSASSA-PSS");

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

  static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    Matcher m = KEY_BLOCK.matcher(pem);
    if (!m.find()) {
      throw new GeneralSecurityException("no PRIVATE KEY block");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2).trim());
    byte[] pkcs8 =
        switch (m.group(1).trim()) {
          case "" -> der;
          case "RSA" -> wrap(sequence(tlv(0x06, RSA_ENCRYPTION), tlv(0x05, new byte[0])), der);
          case "EC" -> wrap(sequence(tlv(0x06, EC_PUBLIC_KEY), curve(der)), der);
          default ->
              throw new GeneralSecurityException(m.group(1) + "PRIVATE KEY is not supported");
        };
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException | RuntimeException e) {
        // not this algorithm: try the next one
      }
    }
    throw new GeneralSecurityException("not a valid private key");
  }

  /** PKCS#8 PrivateKeyInfo: version 0, the algorithm, the key as an OCTET STRING. */
  private static byte[] wrap(byte[] algorithm, byte[] key) {
    return sequence(tlv(0x02, new byte[] {0}), algorithm, tlv(0x04, key));
  }

  /** The curve OID in a SEC1 ECPrivateKey's {@code [0] parameters}. */
  private static byte[] curve(byte[] sec1) throws GeneralSecurityException {
    try {
      int[] outer = header(sec1, 0);
      for (int pos = outer[0]; pos < outer[0] + outer[1]; ) {
        int[] h = header(sec1, pos);
        if ((sec1[pos] & 0xff) == 0xa0) {
          byte[] oid = new byte[h[1]];
          System.arraycopy(sec1, h[0], oid, 0, h[1]);
          return oid;
        }
        pos = h[0] + h[1];
      }
    } catch (RuntimeException e) {
      throw new GeneralSecurityException("malformed EC PRIVATE KEY", e);
    }
    throw new GeneralSecurityException("the EC PRIVATE KEY does not name its curve");
  }

  /** {content offset, content length} of the DER element at {@code pos}. */
  private static int[] header(byte[] der, int pos) {
    int first = der[pos + 1] & 0xff;
    if (first < 0x80) {
      return new int[] {pos + 2, first};
    }
    int length = 0;
    for (int i = 0; i < (first & 0x7f); i++) {
      length = (length << 8) | (der[pos + 2 + i] & 0xff);
    }
    return new int[] {pos + 2 + (first & 0x7f), length};
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((length >>> (8 * i)) & 0xff);
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  private static byte[] sequence(byte[]... elements) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] e : elements) {
      content.writeBytes(e);
    }
    return tlv(0x30, content.toByteArray());
  }
}
