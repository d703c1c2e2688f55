package dev.archway.dataplane.proxy;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one {@link ProxyExchange}, on its event loop: {@code timeouts.request} for the
 * whole exchange and {@code timeouts.backendRequest} for each try (0 means none), and retry
 * backoff.
 */
final class ExchangeTimers {
  private final EventExecutor executor;
  private ScheduledFuture<?> request;
  private ScheduledFuture<?> attempt;

  ExchangeTimers(EventExecutor executor) {
    this.executor = executor;
  }

  /** Starts the whole exchange's deadline. */
  void startRequest(long millis, Runnable timedOut) {
    if (millis > 0) {
      request = executor.schedule(timedOut, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** Starts a try's deadline, replacing the previous try's. */
  void startTry(long millis, Runnable timedOut) {
    cancelTry();
    if (millis > 0) {
      attempt = executor.schedule(timedOut, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** The try's response has started: from here only the whole exchange's deadline counts. */
  void cancelTry() {
    cancel(attempt);
    attempt = null;
  }

  void cancelAll() {
    cancel(request);
    cancelTry();
  }

  /** Runs {@code task} after {@code millis} (at once when 0). */
  void later(long millis, Runnable task) {
    if (millis > 0) {
      executor.schedule(task, millis, TimeUnit.MILLISECONDS);
    } else {
      task.run();
    }
  }

  private static void cancel(ScheduledFuture<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
