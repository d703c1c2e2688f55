package dev.archway.api.status;

/**
 * Condition types of a policy ancestor ({@code status.ancestors[].conditions}), such as a
 * BackendTLSPolicy's (apis/v1/policy_types.go, backendtlspolicy_types.go).
 */
public enum PolicyConditionType implements ConditionType {
  ACCEPTED("Accepted"),
  RESOLVED_REFS("ResolvedRefs");

  private final String value;

  PolicyConditionType(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
