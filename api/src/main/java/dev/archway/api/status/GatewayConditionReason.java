package dev.archway.api.status;

/** Reasons for Gateway conditions. */
public enum GatewayConditionReason implements ConditionReason {
  ACCEPTED("Accepted"),
  LISTENERS_NOT_VALID("ListenersNotValid"),
  PENDING("Pending"),
  UNSUPPORTED_ADDRESS("UnsupportedAddress"),
  INVALID_PARAMETERS("InvalidParameters"),
  PROGRAMMED("Programmed"),
  INVALID("Invalid"),
  NO_RESOURCES("NoResources"),
  ADDRESS_NOT_ASSIGNED("AddressNotAssigned"),
  ADDRESS_NOT_USABLE("AddressNotUsable"),
  RESOLVED_REFS("ResolvedRefs"),
  INVALID_CLIENT_CERTIFICATE_REF("InvalidClientCertificateRef"),
  REF_NOT_PERMITTED("RefNotPermitted"),
  LISTENERS_NOT_RESOLVED("ListenersNotResolved"),
  CONFIGURATION_CHANGED("ConfigurationChanged");

  private final String value;

  GatewayConditionReason(String value) {
    this.value = value;
  }

  @Override
  public String value() {
    return value;
  }
}
