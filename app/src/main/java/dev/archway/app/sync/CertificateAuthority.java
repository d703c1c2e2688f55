package dev.archway.app.sync;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The controller's certificate authority for config sync: it signs the sync server's certificate
 * and one client certificate per proxy. Keys are ECDSA P-256 (quick to make, small to mount).
 *
 * <p>A proxy certificate names its Gateway in a URI subject alternative name, {@code
 * urn:archway:gateway:<namespace>/<name>}, and the sync server serves a stream only the Gateway its
 * client certificate names: a proxy cannot read another Gateway's configuration (and private keys).
 *
 * <p>The CA is made at start ({@link #create}); {@link #toPem()} and {@link #fromPem} let the
 * controller keep it in a Secret so that proxies' certificates survive a controller restart.
 */
public final class CertificateAuthority {
  /** The URI SAN prefix that names a proxy's Gateway. */
  public static final String GATEWAY_URI_PREFIX = "urn:archway:gateway:";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair keys;
  private final X509Certificate certificate;
  private final Clock clock;

  private CertificateAuthority(KeyPair keys, X509Certificate certificate, Clock clock) {
    this.keys = keys;
    this.certificate = certificate;
    this.clock = clock;
  }

  /**
   * A key and its certificate chain (the leaf, without the CA).
   *
   * @param key the private key
   * @param certificate the leaf certificate
   */
  public record Issued(PrivateKey key, X509Certificate certificate) {
    /** The certificate as PEM. */
    public String certificatePem() {
      return pem("CERTIFICATE", encoded(certificate));
    }

    /** The private key as PKCS#8 PEM. */
    public String keyPem() {
      return pem("PRIVATE KEY", key.getEncoded());
    }
  }

  /** A new CA valid for ten years. */
  public static CertificateAuthority create(String commonName, Clock clock) {
    KeyPair keys = newKeyPair();
    Instant now = clock.instant();
    X500Name name = new X500Name("CN=" + commonName);
    try {
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(Duration.ofDays(3650))),
              name,
              keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(keys, sign(builder, keys.getPrivate()), clock);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create the sync CA", e);
    }
  }

  /** A CA read back from {@link #toPem()}'s certificate and key. */
  public static CertificateAuthority fromPem(String certificatePem, String keyPem, Clock clock) {
    X509Certificate certificate = readCertificate(certificatePem);
    try {
      PrivateKey key =
          KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(derOf(keyPem, "PRIVATE KEY")));
      return new CertificateAuthority(
          new KeyPair(certificate.getPublicKey(), key), certificate, clock);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("sync CA key: " + e.getMessage(), e);
    }
  }

  /** The CA's certificate and key, to persist. */
  public Issued toPem() {
    return new Issued(keys.getPrivate(), certificate);
  }

  /** The CA certificate, which both sides trust. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate as PEM. */
  public String certificatePem() {
    return pem("CERTIFICATE", encoded(certificate));
  }

  /**
   * The sync server's certificate.
   *
   * @param names DNS names and IP addresses proxies connect to (such as the controller Service's
   *     {@code archway-controller.archway-system.svc})
   */
  public Issued issueServer(List<String> names, Duration validity) {
    List<GeneralName> sans = new ArrayList<>();
    for (String name : names) {
      sans.add(
          InetAddresses.isLiteral(name)
              ? new GeneralName(GeneralName.iPAddress, name)
              : new GeneralName(GeneralName.dNSName, name));
    }
    return issue("archway-controller", sans, KeyPurposeId.id_kp_serverAuth, validity);
  }

  /** A proxy's client certificate, valid only for {@code gateway} ({@code <namespace>/<name>}). */
  public Issued issueProxy(String gateway, Duration validity) {
    Objects.requireNonNull(gateway, "gateway");
    return issue(
        "archway-proxy " + gateway,
        List.of(new GeneralName(GeneralName.uniformResourceIdentifier, gatewayUri(gateway))),
        KeyPurposeId.id_kp_clientAuth,
        validity);
  }

  /**
   * Writes what a proxy needs into {@code dir}: {@code tls.crt}, {@code tls.key} and {@code
   * ca.crt}, the key names of a {@code kubernetes.io/tls} Secret with its CA, as mounted in a pod.
   */
  public void writeProxyFiles(Path dir, String gateway, Duration validity) {
    writeFiles(dir, issueProxy(gateway, validity));
  }

  /** Writes {@code issued} and this CA's certificate into {@code dir} as a proxy reads them. */
  public void writeFiles(Path dir, Issued issued) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(TlsFiles.CERT), issued.certificatePem());
      Path key = dir.resolve(TlsFiles.KEY);
      Files.writeString(key, issued.keyPem());
      try {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: the directory's permissions have to do.
      }
      Files.writeString(dir.resolve(TlsFiles.CA), certificatePem());
    } catch (IOException e) {
      throw new UncheckedIOException("writing proxy certificates to " + dir, e);
    }
  }

  /** The URI SAN of a proxy certificate for {@code gateway}. */
  public static String gatewayUri(String gateway) {
    return GATEWAY_URI_PREFIX + gateway;
  }

  /** The Gateways a certificate is valid for, from its URI SANs. */
  public static List<String> gatewaysOf(X509Certificate certificate) {
    List<String> gateways = new ArrayList<>();
    try {
      var sans = certificate.getSubjectAlternativeNames();
      if (sans == null) {
        return gateways;
      }
      for (List<?> san : sans) {
        if (((Integer) san.get(0)) == GeneralName.uniformResourceIdentifier
            && san.get(1) instanceof String uri
            && uri.startsWith(GATEWAY_URI_PREFIX)) {
          gateways.add(uri.substring(GATEWAY_URI_PREFIX.length()));
        }
      }
    } catch (GeneralSecurityException e) {
      return gateways;
    }
    return gateways;
  }

  private Issued issue(
      String commonName, List<GeneralName> sans, KeyPurposeId purpose, Duration validity) {
    KeyPair leaf = newKeyPair();
    Instant now = clock.instant();
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(),
              Date.from(now.minus(Duration.ofMinutes(5))),
              Date.from(now.plus(validity)),
              new X500Name("CN=" + commonName.replace(",", "\\,")),
              leaf.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(GeneralName[]::new)));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate));
      return new Issued(leaf.getPrivate(), sign(builder, keys.getPrivate()));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 keys are not available", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] derOf(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("expected a PEM " + type);
    }
    return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
  }

  static X509Certificate readCertificate(String pem) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(derOf(pem, "CERTIFICATE")));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an X.509 certificate: " + e.getMessage(), e);
    }
  }

  /** Tells IP literals from DNS names without a lookup. */
  private static final class InetAddresses {
    static boolean isLiteral(String name) {
      if (name.indexOf(':') >= 0) {
        return true;
      }
      if (!name.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
        return false;
      }
      try {
        InetAddress.getByName(name); // a literal: no lookup
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }
}
