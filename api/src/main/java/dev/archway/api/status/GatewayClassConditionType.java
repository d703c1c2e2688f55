package dev.archway.api.status;

/** Condition types of a GatewayClass ({@code status.conditions}). */
public enum GatewayClassConditionType implements ConditionType {
  ACCEPTED("Accepted"),
  SUPPORTED_VERSION("SupportedVersion");

  private final String value;

  GatewayClassConditionType(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
