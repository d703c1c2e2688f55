package dev.archway.api.status;

/** Reasons for ListenerSet conditions. */
public enum ListenerSetConditionReason implements ConditionReason {
  ACCEPTED("Accepted"),
  PROGRAMMED("Programmed"),
  NOT_ALLOWED("NotAllowed"),
  PARENT_NOT_ACCEPTED("ParentNotAccepted"),
  PARENT_NOT_PROGRAMMED("ParentNotProgrammed"),
  LISTENERS_NOT_VALID("ListenersNotValid"),
  INVALID("Invalid"),
  PORT_UNAVAILABLE("PortUnavailable"),
  PENDING("Pending");

  private final String value;

  ListenerSetConditionReason(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
