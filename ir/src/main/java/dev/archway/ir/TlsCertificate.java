package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * A certificate chain with its private key, as the translator validated it (PEM parses, the key
 * matches the leaf certificate, the leaf is not expired at evaluation time).
 *
 * @param name where it came from: {@code secret/<namespace>/<name>}
 * @param certificateChainPem the PEM {@code CERTIFICATE} blocks of {@code tls.crt}, leaf first
 * @param privateKeyPem the private key as one PEM {@code PRIVATE KEY} block (PKCS#8), whatever form
 *     the Secret held it in (PKCS#8, PKCS#1 RSA or SEC1 EC); RSA, EC or EdDSA
 * @param dnsNames the DNS subjectAltNames of the leaf (the subject CN when it has none), sorted;
 *     used to pick among several certificates of one listener: the first certificate whose name
 *     matches the SNI exactly, else whose wildcard matches it, else the first certificate
 */
public record TlsCertificate(
    String name, String certificateChainPem, String privateKeyPem, List<String> dnsNames) {
  public TlsCertificate {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(certificateChainPem, "certificateChainPem");
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    dnsNames = List.copyOf(Objects.requireNonNullElse(dnsNames, List.of()));
  }
}
