package dev.archway.dataplane.routing;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Weighted random choice among a route's backends. Backends with weight 0 never receive traffic;
 * the others receive {@code weight / sum} of it. Invalid backends stay in the draw so that exactly
 * their share of requests is answered with 500 (Gateway API backendRefs semantics).
 */
final class WeightedBackends {
  private final List<Backend> all;
  private final WeightedChoice<Backend> choice;

  WeightedBackends(List<Backend> backends) {
    this.all = List.copyOf(backends);
    this.choice = new WeightedChoice<>(all, Backend::weight);
  }

  boolean isEmpty() {
    return choice.isEmpty();
  }

  /** Every backend in IR order, including those with weight 0. */
  List<Backend> all() {
    return all;
  }

  Backend pick(RandomGenerator random) {
    return choice.pick(random);
  }
}
