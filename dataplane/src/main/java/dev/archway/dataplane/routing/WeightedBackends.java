package dev.archway.dataplane.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Weighted random choice among a route's backends. Backends with weight 0 never receive traffic;
 * the others receive {@code weight / sum} of it. Invalid backends stay in the draw so that exactly
 * their share of requests is answered with 500 (Gateway API backendRefs semantics).
 */
final class WeightedBackends {
  private final List<Backend> all;
  private final Backend[] candidates;
  private final long[] cumulative;
  private final long total;

  WeightedBackends(List<Backend> backends) {
    this.all = List.copyOf(backends);
    List<Backend> positive = new ArrayList<>();
    for (Backend b : backends) {
      if (b.weight() > 0) {
        positive.add(b);
      }
    }
    candidates = positive.toArray(new Backend[0]);
    cumulative = new long[candidates.length];
    long sum = 0;
    for (int i = 0; i < candidates.length; i++) {
      sum += candidates[i].weight();
      cumulative[i] = sum;
    }
    total = sum;
  }

  boolean isEmpty() {
    return candidates.length == 0;
  }

  /** Every backend in IR order, including those with weight 0. */
  List<Backend> all() {
    return all;
  }

  Backend pick(RandomGenerator random) {
    if (candidates.length <= 1) {
      return candidates.length == 0 ? null : candidates[0];
    }
    long r = random.nextLong(total);
    // First cumulative weight strictly greater than r.
    int i = Arrays.binarySearch(cumulative, r + 1);
    return candidates[i >= 0 ? i : -i - 1];
  }
}
