package dev.archway.api.status;

/** A condition type: the {@code type} field of a condition, as the spec spells it. */
public interface ConditionType {
  /** The spec's string, such as {@code Accepted}. */
  String value();
}
