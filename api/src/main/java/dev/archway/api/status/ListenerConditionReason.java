package dev.archway.api.status;

/** Reasons for listener conditions. */
public enum ListenerConditionReason implements ConditionReason {
  ACCEPTED("Accepted"),
  PORT_UNAVAILABLE("PortUnavailable"),
  UNSUPPORTED_PROTOCOL("UnsupportedProtocol"),
  NO_VALID_CA_CERTIFICATE("NoValidCACertificate"),
  UNSUPPORTED_VALUE("UnsupportedValue"),
  HOSTNAME_CONFLICT("HostnameConflict"),
  PROTOCOL_CONFLICT("ProtocolConflict"),
  /** A ListenerSet entry that conflicts with a listener of higher precedence. */
  LISTENER_CONFLICT("ListenerConflict"),
  /** A ListenerSet entry beyond the number of listeners a Gateway can take. */
  TOO_MANY_LISTENERS("TooManyListeners"),
  NO_CONFLICTS("NoConflicts"),
  RESOLVED_REFS("ResolvedRefs"),
  INVALID_CERTIFICATE_REF("InvalidCertificateRef"),
  INVALID_ROUTE_KINDS("InvalidRouteKinds"),
  REF_NOT_PERMITTED("RefNotPermitted"),
  INVALID_CA_CERTIFICATE_REF("InvalidCACertificateRef"),
  INVALID_CA_CERTIFICATE_KIND("InvalidCACertificateKind"),
  PROGRAMMED("Programmed"),
  INVALID("Invalid"),
  PENDING("Pending"),
  OVERLAPPING_HOSTNAMES("OverlappingHostnames"),
  OVERLAPPING_CERTIFICATES("OverlappingCertificates");

  private final String value;

  ListenerConditionReason(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
