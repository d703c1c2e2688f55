package dev.archway.app.sync;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: each delay is drawn from [d/2, d], where d doubles from {@code
 * initial} up to {@code max}. The jitter keeps a fleet of proxies from reconnecting in lockstep
 * after a controller restart.
 */
public record Backoff(Duration initial, Duration max) {
  /** 250 ms doubling to 30 s. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));

  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff: initial " + initial + ", max " + max + " (expected 0 < initial <= max)");
    }
  }

  /** The delay before attempt {@code failures} (1 for the first retry). */
  public Duration delay(int failures) {
    long ceiling = initial.toMillis();
    for (int i = 1; i < failures && ceiling < max.toMillis(); i++) {
      ceiling *= 2;
    }
    ceiling = Math.min(ceiling, max.toMillis());
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
  }
}
