package dev.archway.api.status;

/** Reasons for route parent conditions. */
public enum RouteConditionReason implements ConditionReason {
  ACCEPTED("Accepted"),
  NOT_ALLOWED_BY_LISTENERS("NotAllowedByListeners"),
  NO_MATCHING_LISTENER_HOSTNAME("NoMatchingListenerHostname"),
  NO_MATCHING_PARENT("NoMatchingParent"),
  UNSUPPORTED_VALUE("UnsupportedValue"),
  PENDING("Pending"),
  INCOMPATIBLE_FILTERS("IncompatibleFilters"),
  RESOLVED_REFS("ResolvedRefs"),
  REF_NOT_PERMITTED("RefNotPermitted"),
  INVALID_KIND("InvalidKind"),
  BACKEND_NOT_FOUND("BackendNotFound"),
  UNSUPPORTED_PROTOCOL("UnsupportedProtocol");

  private final String value;

  RouteConditionReason(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
