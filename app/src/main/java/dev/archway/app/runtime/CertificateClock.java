package dev.archway.app.runtime;

import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.translator.CertificateDeadlines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Translates again when time alone would change the translation: when a certificate of the
 * configuration expires or becomes valid ({@link CertificateDeadlines}). Without it, a listener
 * whose certificate expired would keep reporting {@code ResolvedRefs=True} until some resource
 * changed.
 */
final class CertificateClock {
  /** A wait of days drifts with the clock (suspends, adjustments): wake hourly and look again. */
  private static final Duration LONGEST_WAIT = Duration.ofHours(1);

  private final Clock clock;
  private final CertificateDeadlines deadlines = new CertificateDeadlines();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("archway-certificate-clock").factory());
  private ScheduledFuture<?> armed;

  CertificateClock(Clock clock) {
    this.clock = clock;
  }

  /**
   * After a translation of {@code snapshot} at {@code now}: {@code translateAgain} runs at the next
   * certificate deadline, if any. Replaces what an earlier call armed.
   */
  synchronized void arm(ResourceSnapshot snapshot, Instant now, Runnable translateAgain) {
    if (armed != null) {
      armed.cancel(false);
      armed = null;
    }
    deadlines.next(snapshot, now).ifPresent(at -> schedule(at, translateAgain));
  }

  private void schedule(Instant at, Runnable translateAgain) {
    Duration wait = Duration.between(clock.instant(), at);
    long millis = Math.max(0, Math.min(wait.toMillis(), LONGEST_WAIT.toMillis()));
    armed = timer.schedule(() -> fire(at, translateAgain), millis, TimeUnit.MILLISECONDS);
  }

  private void fire(Instant at, Runnable translateAgain) {
    synchronized (this) {
      if (clock.instant().isBefore(at)) {
        schedule(at, translateAgain);
        return;
      }
      armed = null;
    }
    translateAgain.run(); // outside this lock: it translates, then arms the next deadline
  }

  void close() {
    timer.shutdownNow();
  }
}
