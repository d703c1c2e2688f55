package dev.archway.api.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the data plane reported about the last configuration it applied.
 *
 * @param listenerErrors why a port could not be served, keyed by the IR name of the HTTP listener
 *     ({@code gateway/<namespace>/<name>/port/<port>}); a listener that is absent here is served
 * @param gatewayAddresses the addresses each Gateway is reachable on, keyed by {@code
 *     <namespace>/<name>}; a Gateway that is absent here reports none
 */
public record RuntimeFacts(
    Map<String, String> listenerErrors, Map<String, List<String>> gatewayAddresses) {
  /** No facts: every listener counts as served, as when translating offline. */
  public static final RuntimeFacts NONE = new RuntimeFacts(Map.of(), Map.of());

  public RuntimeFacts {
    listenerErrors = Map.copyOf(Objects.requireNonNullElse(listenerErrors, Map.of()));
    gatewayAddresses = Map.copyOf(Objects.requireNonNullElse(gatewayAddresses, Map.of()));
  }
}
