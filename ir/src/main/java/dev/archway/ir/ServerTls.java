package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * How the Gateway terminates TLS for one Gateway listener (an HTTPS listener, or a TLS listener in
 * mode Terminate).
 *
 * <p>On a port with several listeners, the data plane picks the listener by the ClientHello's SNI
 * with the same rule as for Host (exact, then the longest wildcard, then {@code *}); a ClientHello
 * without SNI gets the {@code *} listener, or the handshake fails when there is none. Within the
 * chosen listener it picks a certificate as {@link TlsCertificate#dnsNames} says.
 *
 * @param certificates at least one, in certificateRefs order
 * @param clientValidation client certificate validation, or null for none
 */
public record ServerTls(List<TlsCertificate> certificates, ClientValidation clientValidation) {
  public ServerTls {
    certificates = List.copyOf(Objects.requireNonNullElse(certificates, List.of()));
  }
}
