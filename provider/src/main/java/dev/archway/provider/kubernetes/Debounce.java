package dev.archway.provider.kubernetes;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the provider waits before publishing a burst of changes.
 *
 * <p>A snapshot is published once changes have been quiet for {@code holdoff}, but never later than
 * {@code max} after the first change of the burst, so that a steady trickle of events cannot starve
 * the data plane (Contour's HoldoffDelay and HoldoffMaxDelay). A burst made only of EndpointSlice
 * changes uses the shorter {@code endpointHoldoff}: endpoints are what traffic depends on most
 * directly during a rollout.
 *
 * @param holdoff quiet time after the last change
 * @param max the longest a change waits
 * @param endpointHoldoff quiet time when only EndpointSlices changed
 */
public record Debounce(Duration holdoff, Duration max, Duration endpointHoldoff) {
  /** 100 ms quiet, at most 1 s; 10 ms for endpoint-only bursts. */
  public static final Debounce DEFAULT =
      new Debounce(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(10));

  public Debounce {
    Objects.requireNonNull(holdoff, "holdoff");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(endpointHoldoff, "endpointHoldoff");
    if (max.compareTo(holdoff) < 0) {
      throw new IllegalArgumentException(
          "max: " + max + " (expected at least holdoff " + holdoff + ")");
    }
  }
}
