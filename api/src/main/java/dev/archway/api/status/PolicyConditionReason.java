package dev.archway.api.status;

/** Reasons for policy ancestor conditions, BackendTLSPolicy's included. */
public enum PolicyConditionReason implements ConditionReason {
  ACCEPTED("Accepted"),
  CONFLICTED("Conflicted"),
  INVALID("Invalid"),
  TARGET_NOT_FOUND("TargetNotFound"),
  NO_VALID_CA_CERTIFICATE("NoValidCACertificate"),
  RESOLVED_REFS("ResolvedRefs"),
  INVALID_CA_CERTIFICATE_REF("InvalidCACertificateRef"),
  INVALID_KIND("InvalidKind");

  private final String value;

  PolicyConditionReason(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
