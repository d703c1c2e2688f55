package dev.archway.ir;

import java.util.Objects;

/**
 * Client certificate validation on an HTTPS listener (Gateway {@code spec.tls.frontend}, GEP-91):
 * the listener asks every client for a certificate during the handshake and verifies it against
 * {@code caBundlePem}.
 *
 * @param caBundlePem one or more PEM {@code CERTIFICATE} blocks, the trust anchors
 * @param mode what to do with a client that sends no certificate or one that fails verification
 */
public record ClientValidation(String caBundlePem, Mode mode) {
  public ClientValidation {
    Objects.requireNonNull(caBundlePem, "caBundlePem");
    mode = Objects.requireNonNullElse(mode, Mode.ALLOW_VALID_ONLY);
  }

  /** The spec's {@code FrontendValidationModeType}. */
  public enum Mode {
    /** Fail the handshake unless the client presents a certificate that verifies. */
    ALLOW_VALID_ONLY,
    /** Request a certificate but complete the handshake without one, or with one that fails. */
    ALLOW_INSECURE_FALLBACK
  }
}
