package dev.archway.api.status;

/** Condition types of a Gateway ({@code status.conditions}). */
public enum GatewayConditionType implements ConditionType {
  ACCEPTED("Accepted"),
  PROGRAMMED("Programmed"),
  RESOLVED_REFS("ResolvedRefs"),
  INSECURE_FRONTEND_VALIDATION_MODE("InsecureFrontendValidationMode");

  private final String value;

  GatewayConditionType(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
