package dev.archway.dataplane.tls;

import dev.archway.ir.TlsCertificate;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throwaway certificate authority for tests: EC P-256 keys, certificates valid for a day. */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong();
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /** A certificate with its key. */
  public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate issuer) {
    /** The leaf's subject CN, to tell which certificate a server presented. */
    public String cn() {
      return cnOf(certificate);
    }

    /** As the IR carries it: PEM chain (leaf, then the CA) and PKCS#8 key. */
    public TlsCertificate ir(String name) {
      try {
        List<String> dns = new ArrayList<>();
        if (certificate.getSubjectAlternativeNames() != null) {
          certificate.getSubjectAlternativeNames().stream()
              .filter(san -> (Integer) san.get(0) == 2)
              .forEach(san -> dns.add((String) san.get(1)));
        }
        return new TlsCertificate(
            name, pem(certificate) + pem(issuer), pem(key), dns.stream().sorted().toList());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A server SSLContext presenting this certificate. */
    public SSLContext serverContext() {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("me", key, new char[0], new X509Certificate[] {certificate, issuer});
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** A client SSLContext presenting this certificate and trusting {@code trust}. */
    public SSLContext clientContext(TestPki trust) {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("me", key, new char[0], new X509Certificate[] {certificate, issuer});
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), trust.trustManagers(), null);
        return context;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final KeyPair keys;
  private final X509Certificate certificate;

  private TestPki(KeyPair keys, X509Certificate certificate) {
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A new self-signed CA. */
  public static TestPki ca(String cn) {
    KeyPair keys = newKeys();
    X509Certificate cert =
        sign(
            new X500Name("CN=" + cn),
            keys,
            new X500Name("CN=" + cn),
            keys.getPublic(),
            true,
            List.of(),
            Duration.ofDays(400));
    return new TestPki(keys, cert);
  }

  /** A server (and client) certificate for {@code dnsNames}, also valid for 127.0.0.1. */
  public Issued issue(String cn, String... dnsNames) {
    return issue(Duration.ofDays(1), cn, dnsNames);
  }

  /** As {@link #issue(String, String...)}, valid for {@code validity} from an hour ago. */
  public Issued issue(Duration validity, String cn, String... dnsNames) {
    KeyPair leaf = newKeys();
    List<GeneralName> names = new ArrayList<>();
    for (String dns : dnsNames) {
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    X509Certificate cert =
        sign(
            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
            keys,
            new X500Name("CN=" + cn),
            leaf.getPublic(),
            false,
            names,
            validity);
    return new Issued(cert, leaf.getPrivate(), certificate);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate as PEM, for a CA bundle. */
  public String pem() {
    return pem(certificate);
  }

  /** A client SSLContext that trusts this CA and presents no certificate. */
  public SSLContext clientContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  javax.net.ssl.TrustManager[] trustManagers() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf.getTrustManagers();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String cnOf(X509Certificate cert) {
    String dn = cert.getSubjectX500Principal().getName();
    return dn.startsWith("CN=") ? dn.substring(3).split(",")[0] : dn;
  }

  public static String pem(Object value) {
    try (StringWriter out = new StringWriter();
        JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(
          value instanceof PrivateKey key
              ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate()
              : value);
      writer.flush();
      return out.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair newKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(
      X500Name issuer,
      KeyPair issuerKeys,
      X500Name subject,
      java.security.PublicKey subjectKey,
      boolean ca,
      List<GeneralName> names,
      Duration validity) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(64, RANDOM).add(BigInteger.valueOf(SERIAL.incrementAndGet())),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(validity)),
              subject,
              subjectKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        // A revocation pointer, as public CAs put in every leaf (scanners expect one).
        builder.addExtension(
            Extension.cRLDistributionPoints,
            false,
            new org.bouncycastle.asn1.x509.CRLDistPoint(
                new org.bouncycastle.asn1.x509.DistributionPoint[] {
                  new org.bouncycastle.asn1.x509.DistributionPoint(
                      new org.bouncycastle.asn1.x509.DistributionPointName(
                          new GeneralNames(
                              new GeneralName(
                                  GeneralName.uniformResourceIdentifier,
                                  "http://127.0.0.1/archway-test.crl"))),
                      null,
                      null)
                }));
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(new GeneralName[0])));
      }
      ContentSigner signer =
          new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
