package dev.archway.api.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the data plane reported about the last configuration it applied, and the time the
 * translation is evaluated at.
 *
 * @param listenerErrors why a port could not be served, keyed by the IR name of the listener
 *     ({@code gateway/<namespace>/<name>/port/<port>}, {@code .../port/<port>/udp} for UDP); a
 *     listener that is absent here is served
 * @param gatewayAddresses the addresses each Gateway is reachable on, keyed by {@code
 *     <namespace>/<name>}; a Gateway that is absent here reports none
 * @param gatewayAddressErrors why an address a Gateway requests in {@code spec.addresses} cannot be
 *     used (so the Gateway is not served), keyed by {@code <namespace>/<name>}; message names the
 *     field and the value
 * @param now the time certificates are checked against ("not expired"), since the translator has no
 *     clock; null skips the expiry check (offline translation without a time)
 */
public record RuntimeFacts(
    Map<String, String> listenerErrors,
    Map<String, List<String>> gatewayAddresses,
    Map<String, String> gatewayAddressErrors,
    Instant now) {
  /** No facts: every listener counts as served, as when translating offline. */
  public static final RuntimeFacts NONE = new RuntimeFacts(Map.of(), Map.of());

  public RuntimeFacts {
    listenerErrors = Map.copyOf(Objects.requireNonNullElse(listenerErrors, Map.of()));
    gatewayAddresses = Map.copyOf(Objects.requireNonNullElse(gatewayAddresses, Map.of()));
    gatewayAddressErrors = Map.copyOf(Objects.requireNonNullElse(gatewayAddressErrors, Map.of()));
  }

  /** Facts without address errors. */
  public RuntimeFacts(
      Map<String, String> listenerErrors, Map<String, List<String>> gatewayAddresses, Instant now) {
    this(listenerErrors, gatewayAddresses, Map.of(), now);
  }

  /** Facts without an evaluation time. */
  public RuntimeFacts(
      Map<String, String> listenerErrors, Map<String, List<String>> gatewayAddresses) {
    this(listenerErrors, gatewayAddresses, Map.of(), null);
  }

  /** The same facts evaluated at {@code now}. */
  public RuntimeFacts withNow(Instant now) {
    return new RuntimeFacts(listenerErrors, gatewayAddresses, gatewayAddressErrors, now);
  }
}
