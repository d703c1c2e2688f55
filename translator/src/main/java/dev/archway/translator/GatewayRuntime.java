package dev.archway.translator;

import java.util.List;

/**
 * Where the Gateways run. A few conformance features depend on it, so the GatewayClass status
 * claims them only for the runtime that provides them.
 */
public enum GatewayRuntime {
  /**
   * In the controller's (or {@code archway run}'s) own process, each Gateway on a local address.
   * GatewayStaticAddresses and GatewayAddressEmpty: the address pool gives a Gateway the IPAddress
   * it requests when it lies in the range, and reports any other as AddressNotUsable through the
   * runtime facts.
   */
  HOST(List.of("GatewayAddressEmpty", "GatewayStaticAddresses")),

  /**
   * In a proxy Deployment per Gateway, reachable at its Service's address.
   * GatewayInfrastructurePropagation: {@code spec.infrastructure} labels and annotations reach the
   * proxy's Pods, Service and ServiceAccount. GatewayAddressEmpty: an IPAddress entry without a
   * value gets the Service's address. GatewayStaticAddresses: a requested IPAddress inside the
   * range the operator allows becomes one of the proxy Service's {@code spec.externalIPs}; any
   * other is reported as AddressNotUsable through the runtime facts.
   */
  KUBERNETES(
      List.of("GatewayAddressEmpty", "GatewayInfrastructurePropagation", "GatewayStaticAddresses"));

  private final List<String> features;

  GatewayRuntime(List<String> features) {
    this.features = features;
  }

  /** The conformance features (pkg/features names) this runtime adds. */
  public List<String> features() {
    return features;
  }
}
