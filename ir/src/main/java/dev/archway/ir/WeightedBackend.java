package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * One backendRef of a rule.
 *
 * @param destination the name of a {@link Destination}, or null when the reference is invalid: the
 *     share of requests that would go here is answered with 500
 * @param weight the relative share of requests; 0 sends none
 * @param filters filters applied only when this backend is chosen, after the rule's filters
 */
public record WeightedBackend(String destination, int weight, List<HttpFilter> filters) {
  public WeightedBackend {
    if (weight < 0) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
    }
    filters = List.copyOf(Objects.requireNonNullElse(filters, List.of()));
  }
}
