package dev.archway.translator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Object;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Validates PEM certificates and keys with the JDK's own parsers ({@link CertificateFactory},
 * {@link KeyFactory}), and re-encodes them in one canonical form for the IR: certificates as PEM
 * {@code CERTIFICATE} blocks, keys as PKCS#8 {@code PRIVATE KEY} (PKCS#1 RSA and SEC1 EC keys are
 * wrapped with BouncyCastle's ASN.1 structures, which the JDK lacks). Every failure is an {@link
 * InvalidPem} whose message says what is wrong, for a condition message.
 */
final class Certificates {
  private static final Pattern KEY_BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([^-]*)-----END \\1PRIVATE KEY-----",
          Pattern.DOTALL);
  private static final Base64.Encoder PEM_BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
  private static final List<String> KEY_ALGORITHMS =
      List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");
  private static final byte[] PROBE = "archway key match probe".getBytes(StandardCharsets.UTF_8);

  private Certificates() {}

  /** A problem with PEM material; the message reads after "tls.crt: " or similar. */
  static final class InvalidPem extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidPem(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * A certificate chain and its key, checked.
   *
   * @param chainPem the chain as canonical PEM, leaf first
   * @param keyPem the key as PKCS#8 PEM
   * @param dnsNames the leaf's DNS subjectAltNames (its subject CN when it has none), sorted
   */
  record KeyPair(String chainPem, String keyPem, List<String> dnsNames) {}

  /**
   * Checks that {@code certPem} holds at least one certificate, that {@code keyPem} holds a private
   * key that belongs to the first (leaf) certificate, and, when {@code now} is not null, that the
   * leaf is valid at {@code now}.
   */
  static KeyPair keyPair(byte[] certPem, byte[] keyPem, Instant now) throws InvalidPem {
    List<X509Certificate> chain = certificates(certPem, "tls.crt");
    X509Certificate leaf = chain.get(0);
    PrivateKey key = privateKey(keyPem);
    if (!matches(key, leaf.getPublicKey())) {
      throw new InvalidPem(
          "tls.key: the private key does not belong to the certificate in tls.crt (subject \""
              + leaf.getSubjectX500Principal().getName()
              + "\")");
    }
    checkValidity(leaf, now, "tls.crt");
    return new KeyPair(pem(chain), pem("PRIVATE KEY", key.getEncoded()), dnsNames(leaf));
  }

  /** The certificates of a CA bundle, as canonical PEM; each must parse and be valid at now. */
  static String caBundle(byte[] pem, String field, Instant now) throws InvalidPem {
    List<X509Certificate> certs = certificates(pem, field);
    for (X509Certificate c : certs) {
      checkValidity(c, now, field);
    }
    return pem(certs);
  }

  static List<X509Certificate> certificates(byte[] pem, String field) throws InvalidPem {
    if (pem == null || pem.length == 0) {
      throw new InvalidPem(field + ": missing or empty (expected: PEM CERTIFICATE blocks)");
    }
    String text = new String(pem, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN CERTIFICATE-----")) {
      throw new InvalidPem(field + ": no \"BEGIN CERTIFICATE\" block (expected: PEM certificates)");
    }
    try {
      Collection<? extends java.security.cert.Certificate> parsed =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
      List<X509Certificate> result = new ArrayList<>();
      for (var c : parsed) {
        result.add((X509Certificate) c);
      }
      if (result.isEmpty()) {
        throw new InvalidPem(field + ": no certificate could be read (expected: PEM certificates)");
      }
      return result;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new InvalidPem(field + ": not a valid PEM X.509 certificate (" + describe(e) + ")");
    }
  }

  private static void checkValidity(X509Certificate cert, Instant now, String field)
      throws InvalidPem {
    if (now == null) {
      return;
    }
    try {
      cert.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new InvalidPem(
          field
              + ": the certificate \""
              + cert.getSubjectX500Principal().getName()
              + "\" expired at "
              + cert.getNotAfter().toInstant()
              + " (expected: valid at "
              + now
              + ")");
    } catch (CertificateNotYetValidException e) {
      throw new InvalidPem(
          field
              + ": the certificate \""
              + cert.getSubjectX500Principal().getName()
              + "\" is not valid before "
              + cert.getNotBefore().toInstant()
              + " (expected: valid at "
              + now
              + ")");
    }
  }

  private static PrivateKey privateKey(byte[] pem) throws InvalidPem {
    if (pem == null || pem.length == 0) {
      throw new InvalidPem("tls.key: missing or empty (expected: a PEM private key)");
    }
    Matcher m = KEY_BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    if (!m.find()) {
      throw new InvalidPem("tls.key: no \"BEGIN PRIVATE KEY\" block (expected: a PEM private key)");
    }
    String type = m.group(1).trim();
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(2).trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidPem("tls.key: the PEM body is not base64 (" + e.getMessage() + ")");
    }
    byte[] pkcs8 =
        switch (type) {
          case "" -> der;
          case "RSA" -> wrapRsa(der);
          case "EC" -> wrapEc(der);
          case "ENCRYPTED" ->
              throw new InvalidPem(
                  "tls.key: an encrypted private key (expected: an unencrypted PEM key)");
          default ->
              throw new InvalidPem(
                  "tls.key: \""
                      + type
                      + " PRIVATE KEY\" (expected: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE"
                      + " KEY)");
        };
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException | RuntimeException e) {
        // try the next algorithm
      }
    }
    throw new InvalidPem(
        "tls.key: not a valid " + (type.isEmpty() ? "" : type + " ") + "private key");
  }

  /** Whether a private key belongs to a public key: a signature made with one verifies. */
  private static boolean matches(PrivateKey key, PublicKey publicKey) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          default -> null;
        };
    if (algorithm == null
        || !key.getAlgorithm().equals(publicKey.getAlgorithm())
            && !(key.getAlgorithm().startsWith("Ed")
                && publicKey.getAlgorithm().startsWith("Ed"))) {
      return false;
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static List<String> dnsNames(X509Certificate cert) {
    TreeSet<String> names = new TreeSet<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // no usable SANs: fall back to the CN
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(String.valueOf(rdn.getValue()));
          }
        }
      } catch (InvalidNameException e) {
        // no CN either
      }
    }
    return List.copyOf(names);
  }

  private static String pem(List<X509Certificate> certs) throws InvalidPem {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : certs) {
      try {
        out.append(pem("CERTIFICATE", c.getEncoded()));
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new InvalidPem("a certificate cannot be encoded (" + e.getMessage() + ")");
      }
    }
    return out.toString();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + PEM_BASE64.encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** PKCS#8 PrivateKeyInfo for a PKCS#1 RSAPrivateKey, with BouncyCastle's ASN.1 structures. */
  private static byte[] wrapRsa(byte[] pkcs1) throws InvalidPem {
    try {
      return new PrivateKeyInfo(
              new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
              RSAPrivateKey.getInstance(pkcs1))
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      throw new InvalidPem("tls.key: not a valid RSA private key");
    }
  }

  /** PKCS#8 PrivateKeyInfo for a SEC1 ECPrivateKey, whose [0] parameters name the curve. */
  private static byte[] wrapEc(byte[] sec1) throws InvalidPem {
    ECPrivateKey key;
    try {
      key = ECPrivateKey.getInstance(sec1);
    } catch (RuntimeException e) {
      throw new InvalidPem("tls.key: not a valid EC private key");
    }
    ASN1Object curve = key.getParametersObject();
    if (curve == null) {
      throw new InvalidPem("tls.key: the EC private key does not name its curve");
    }
    try {
      return new PrivateKeyInfo(
              new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), key)
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      throw new InvalidPem("tls.key: not a valid EC private key");
    }
  }

  private static String describe(Exception e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message.strip();
  }
}
