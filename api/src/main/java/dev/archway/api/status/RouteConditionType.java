package dev.archway.api.status;

/** Condition types of a route parent ({@code status.parents[].conditions}). */
public enum RouteConditionType implements ConditionType {
  ACCEPTED("Accepted"),
  RESOLVED_REFS("ResolvedRefs"),
  PARTIALLY_INVALID("PartiallyInvalid");

  private final String value;

  RouteConditionType(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
