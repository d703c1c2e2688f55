package dev.archway.dataplane.routing;

import dev.archway.ir.TlsCertificate;
import dev.archway.ir.UpstreamTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * TLS to a destination's endpoints (BackendTLSPolicy, GEP-1897), built once per configuration: the
 * client context trusting the policy's CA bundle (or the JDK's CAs), the SNI to send, and the
 * identity check run after each handshake.
 *
 * <p>The chain is verified by the TLS engine against the trusted CAs; the identity is checked here,
 * the same way for every engine: with no SANs in the policy the leaf must be valid for the SNI (DNS
 * SAN, {@code *.} wildcards covering one label), otherwise it must carry one of the listed DNS or
 * URI SANs.
 */
public final class UpstreamTlsContext {
  private final SslContext context;
  private final String sni;
  private final List<UpstreamTls.SubjectAltName> subjectAltNames;

  private UpstreamTlsContext(
      SslContext context, String sni, List<UpstreamTls.SubjectAltName> subjectAltNames) {
    this.context = context;
    this.sni = sni;
    this.subjectAltNames = subjectAltNames;
  }

  /**
   * @param clientCertificate presented to the backend, or null; its key must be PKCS#8 PEM
   * @param http2 whether to offer ALPN {@code h2} (H2C destinations speak HTTP/2 over TLS)
   * @throws IllegalArgumentException when the CA bundle or client certificate cannot be used
   */
  static UpstreamTlsContext of(UpstreamTls tls, TlsCertificate clientCertificate, boolean http2) {
    try {
      // The engine would check the SNI itself (Netty 4.2 verifies the peer host by default); the
      // policy's SANs may name other identities, so identityMismatch does all identity checks.
      SslContextBuilder builder =
          SslContextBuilder.forClient().endpointIdentificationAlgorithm(null);
      if (http2) {
        builder.applicationProtocolConfig(
            new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2));
      }
      if (tls.caBundlePem() != null && !tls.systemTrustStore()) {
        builder.trustManager(certificates(tls.caBundlePem()));
      }
      if (clientCertificate != null) {
        builder.keyManager(
            stream(clientCertificate.certificateChainPem()),
            stream(clientCertificate.privateKeyPem()));
      }
      return new UpstreamTlsContext(builder.build(), tls.sni(), tls.subjectAltNames());
    } catch (SSLException | CertificateException | RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static X509Certificate[] certificates(String pem) throws CertificateException {
    Collection<? extends java.security.cert.Certificate> parsed =
        CertificateFactory.getInstance("X.509").generateCertificates(stream(pem));
    if (parsed.isEmpty()) {
      throw new CertificateException("caBundlePem: no CERTIFICATE block");
    }
    return parsed.toArray(new X509Certificate[0]);
  }

  private static ByteArrayInputStream stream(String pem) {
    return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
  }

  /** A handler that starts the handshake with the policy's SNI. */
  public SslHandler newHandler(ByteBufAllocator alloc, InetSocketAddress endpoint) {
    return context.newHandler(alloc, sni, endpoint.getPort());
  }

  public String sni() {
    return sni;
  }

  /** Why the peer of a finished handshake is not the server the policy names, or null. */
  public String identityMismatch(SSLSession session) {
    X509Certificate leaf;
    try {
      leaf = (X509Certificate) session.getPeerCertificates()[0];
    } catch (SSLPeerUnverifiedException | ClassCastException e) {
      return "no server certificate";
    }
    List<String> dns = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    try {
      Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            dns.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
          } else if (type == 6) {
            uris.add((String) san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return "unreadable subjectAltNames";
    }
    if (subjectAltNames.isEmpty()) {
      return dnsMatches(dns, sni)
          ? null
          : "certificate is not valid for " + sni + " (has " + dns + ")";
    }
    for (UpstreamTls.SubjectAltName expected : subjectAltNames) {
      boolean ok =
          switch (expected.type()) {
            case HOSTNAME -> dnsMatches(dns, expected.value());
            case URI -> uris.contains(expected.value());
          };
      if (ok) {
        return null;
      }
    }
    return "certificate carries none of " + subjectAltNames + " (has " + dns + uris + ")";
  }

  /** Whether one of the certificate's DNS names covers {@code host} (RFC 6125 wildcards). */
  static boolean dnsMatches(List<String> certificateNames, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String name : certificateNames) {
      if (name.equals(h)) {
        return true;
      }
      if (name.startsWith("*.")) {
        int dot = h.indexOf('.');
        if (dot > 0 && h.substring(dot).equals(name.substring(1))) {
          return true;
        }
      }
    }
    return false;
  }
}
