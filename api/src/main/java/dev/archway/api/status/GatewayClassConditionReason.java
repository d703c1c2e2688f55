package dev.archway.api.status;

/** Reasons for GatewayClass conditions. */
public enum GatewayClassConditionReason implements ConditionReason {
  ACCEPTED("Accepted"),
  INVALID_PARAMETERS("InvalidParameters"),
  PENDING("Pending"),
  UNSUPPORTED("Unsupported"),
  SUPPORTED_VERSION("SupportedVersion"),
  UNSUPPORTED_VERSION("UnsupportedVersion");

  private final String value;

  GatewayClassConditionReason(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
