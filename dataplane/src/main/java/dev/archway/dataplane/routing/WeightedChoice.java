package dev.archway.dataplane.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * Weighted random choice, as Gateway API backendRefs weights mean it: an item of weight 0 is never
 * picked, the others each {@code weight / sum} of the time. Used for HTTP routes' backends ({@link
 * WeightedBackends}) and for TLS, TCP and UDP routes' alike.
 *
 * @param <T> the items
 */
public final class WeightedChoice<T> {
  private final List<T> candidates;
  private final long[] cumulative;

  /**
   * @param weight each item's weight, 0 or more
   */
  public WeightedChoice(List<T> items, ToIntFunction<? super T> weight) {
    List<T> positive = new ArrayList<>();
    for (T item : items) {
      if (weight.applyAsInt(item) > 0) {
        positive.add(item);
      }
    }
    candidates = List.copyOf(positive);
    cumulative = new long[candidates.size()];
    long sum = 0;
    for (int i = 0; i < cumulative.length; i++) {
      sum += weight.applyAsInt(candidates.get(i));
      cumulative[i] = sum;
    }
  }

  /** Whether every item has weight 0 (or there is none): nothing can be picked. */
  public boolean isEmpty() {
    return candidates.isEmpty();
  }

  /** An item drawn by weight, or null when {@link #isEmpty()}. */
  public T pick(RandomGenerator random) {
    if (cumulative.length <= 1) {
      return cumulative.length == 0 ? null : candidates.get(0);
    }
    long r = random.nextLong(cumulative[cumulative.length - 1]);
    // The first cumulative weight strictly greater than r.
    int i = Arrays.binarySearch(cumulative, r + 1);
    return candidates.get(i >= 0 ? i : -i - 1);
  }
}
