package dev.archway.api.status;

/** Condition types of a Gateway listener ({@code status.listeners[].conditions}). */
public enum ListenerConditionType implements ConditionType {
  ACCEPTED("Accepted"),
  CONFLICTED("Conflicted"),
  PROGRAMMED("Programmed"),
  RESOLVED_REFS("ResolvedRefs"),
  OVERLAPPING_TLS_CONFIG("OverlappingTLSConfig");

  private final String value;

  ListenerConditionType(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
