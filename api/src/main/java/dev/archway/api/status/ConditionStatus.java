package dev.archway.api.status;

/** The {@code status} field of a condition. */
public enum ConditionStatus {
  TRUE("True"),
  FALSE("False"),
  UNKNOWN("Unknown");

  private final String value;

  ConditionStatus(String value) {
    this.value = value;
  }

  /** {@code True}, {@code False} or {@code Unknown}. */
  public String value() {
    return value;
  }

  /** {@link #TRUE} or {@link #FALSE}. */
  public static ConditionStatus of(boolean status) {
    return status ? TRUE : FALSE;
  }
}
