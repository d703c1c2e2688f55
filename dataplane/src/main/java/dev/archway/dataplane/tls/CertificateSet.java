package dev.archway.dataplane.tls;

import io.netty.handler.ssl.SslContext;
import java.util.List;

/**
 * The certificates of one Gateway listener, each with the DNS names it is valid for. The one served
 * is the first whose name equals the SNI, else the first whose wildcard covers it (one label, as
 * certificates mean it: RFC 6125 §6.4.3), else the first (the IR's {@code TlsCertificate#dnsNames}
 * contract).
 */
public final class CertificateSet {
  /** One certificate and its names (lower case). */
  public record Entry(List<String> dnsNames, SslContext context) {
    public Entry {
      dnsNames = List.copyOf(dnsNames);
    }
  }

  private final List<Entry> entries;

  /**
   * @param entries at least one, in certificateRefs order
   */
  public CertificateSet(List<Entry> entries) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("entries: [] (expected: at least one certificate)");
    }
    this.entries = List.copyOf(entries);
  }

  /** The context to terminate a connection that asked for {@code sni} (null: none). */
  public SslContext select(String sni) {
    if (sni != null && !sni.isEmpty()) {
      String host = SniRouter.normalize(sni);
      for (Entry e : entries) {
        if (e.dnsNames().contains(host)) {
          return e.context();
        }
      }
      int dot = host.indexOf('.');
      if (dot > 0) {
        String wildcard = "*" + host.substring(dot);
        for (Entry e : entries) {
          if (e.dnsNames().contains(wildcard)) {
            return e.context();
          }
        }
      }
    }
    return entries.get(0).context();
  }
}
