package dev.archway.api.status;

/** Condition types of a ListenerSet ({@code status.conditions}; apis/v1/listenerset_types.go). */
public enum ListenerSetConditionType implements ConditionType {
  ACCEPTED("Accepted"),
  PROGRAMMED("Programmed");

  private final String value;

  ListenerSetConditionType(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
