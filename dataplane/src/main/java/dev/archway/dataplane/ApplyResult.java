package dev.archway.dataplane;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What happened to each listener of an applied configuration (HTTP, HTTPS, TLS, TCP and UDP); the
 * control plane turns it into the Gateway's {@code Programmed} condition.
 *
 * @param listeners one entry per IR listener: those that own their port in configuration order,
 *     then those that lost their port to an earlier one
 */
public record ApplyResult(List<ListenerStatus> listeners) {
  public ApplyResult {
    listeners = List.copyOf(listeners);
  }

  /**
   * One listener.
   *
   * @param name the IR listener name, {@code gateway/<namespace>/<name>/port/<port>} ({@code
   *     .../port/<port>/udp} for UDP)
   * @param bound whether the port is listening
   * @param error why it is not, such as {@code bind 0.0.0.0:80: Address already in use}; null when
   *     bound
   */
  public record ListenerStatus(
      String name, String bindAddress, int port, boolean bound, String error) {}

  public Optional<ListenerStatus> listener(String name) {
    return listeners.stream().filter(l -> l.name().equals(name)).findFirst();
  }

  public boolean allBound() {
    return listeners.stream().allMatch(ListenerStatus::bound);
  }

  /** Listener name to error, for the listeners that are not bound (RuntimeFacts' shape). */
  public Map<String, String> listenerErrors() {
    Map<String, String> errors = new LinkedHashMap<>();
    listeners.stream().filter(l -> !l.bound()).forEach(l -> errors.put(l.name(), l.error()));
    return errors;
  }
}
