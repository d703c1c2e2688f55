package dev.archway.api.status;

/** A condition reason: the {@code reason} field of a condition, as the spec spells it. */
public interface ConditionReason {
  /** The spec's string, such as {@code ListenersNotValid}. */
  String value();
}
