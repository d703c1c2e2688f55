package dev.archway.ir;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * TLS from the data plane to a destination's endpoints, from a BackendTLSPolicy (GEP-1897).
 *
 * <p>The data plane connects with TLS, sends {@code sni} as SNI, and verifies the server
 * certificate chain against {@code caBundlePem} (or the JDK's default trust store when {@code
 * systemTrustStore}). It then checks the server's identity: when {@code subjectAltNames} is empty,
 * the certificate must be valid for {@code sni} (DNS SAN, wildcards per RFC 6125); otherwise it
 * must carry at least one of the listed SANs, and {@code sni} is not checked. When the Gateway has
 * a {@link GatewayIr#backendClientCertificate}, it is presented as the client certificate. A
 * handshake or verification failure answers the request with 502.
 *
 * @param caBundlePem PEM {@code CERTIFICATE} blocks to trust, or null when {@code
 *     systemTrustStore}. When it is null and {@code systemTrustStore} is false (a policy that is
 *     not valid, such as one whose CA references all failed), nothing is trusted: every request
 *     gets 502
 * @param systemTrustStore trust the JDK's default CAs ({@code wellKnownCACertificates: System})
 * @param sni the server name to send and, without SANs, to verify
 * @param subjectAltNames the identities the server certificate may prove, in policy order
 */
public record UpstreamTls(
    String caBundlePem,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean systemTrustStore,
    String sni,
    List<SubjectAltName> subjectAltNames) {
  public UpstreamTls {
    Objects.requireNonNull(sni, "sni");
    subjectAltNames = List.copyOf(Objects.requireNonNullElse(subjectAltNames, List.of()));
  }

  /**
   * One identity a server certificate may carry.
   *
   * @param type a DNS name (exact, or a certificate wildcard) or a URI SAN (exact)
   * @param value the hostname or URI
   */
  public record SubjectAltName(Type type, String value) {
    public SubjectAltName {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }

    /** The spec's SubjectAltName types. */
    public enum Type {
      HOSTNAME,
      URI
    }
  }
}
