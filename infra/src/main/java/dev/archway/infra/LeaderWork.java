package dev.archway.infra;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One background thread that brings the cluster to the newest desired state while this replica
 * leads: what the controller provisions ({@link InfraApplier}) and the proxies' certificate Secrets
 * work this way.
 *
 * <p>Submissions coalesce: a pass works on the newest desired state when the thread is free, and
 * states submitted meanwhile are skipped. A pass may remember what it wrote, to leave unchanged
 * objects alone; that memory is dropped ({@code forget}) at every resync and whenever this replica
 * becomes the leader, because objects may have been edited or deleted since, and nothing watches
 * them. A pass that reports a failure is run again two seconds later instead of at the next resync.
 *
 * @param <T> the desired state
 */
public final class LeaderWork<T> implements AutoCloseable {
  /** One pass over the desired state, on the work's thread. */
  @FunctionalInterface
  public interface Pass<T> {
    /**
     * Writes what differs from {@code desired}.
     *
     * @return false if something failed and the pass should run again soon
     */
    boolean run(T desired);
  }

  private static final long RETRY_SECONDS = 2;

  private final Pass<T> pass;
  private final Runnable forget;
  private final ScheduledExecutorService executor;
  private final AtomicReference<T> latest = new AtomicReference<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean leader;

  /**
   * @param thread the thread's name
   * @param resync how often the memory is dropped and a pass runs regardless of submissions
   * @param pass one pass over the desired state
   * @param forget drops what passes remember; runs on the same thread as the passes
   */
  public LeaderWork(String thread, Duration resync, Pass<T> pass, Runnable forget) {
    this.pass = Objects.requireNonNull(pass, "pass");
    this.forget = Objects.requireNonNull(forget, "forget");
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name(thread).factory());
    long period = resync.toMillis();
    executor.scheduleWithFixedDelay(
        () -> {
          forget.run();
          schedule();
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }

  /** Starts or stops the passes; on becoming the leader the memory is dropped and a pass runs. */
  public void setLeader(boolean leader) {
    this.leader = leader;
    if (leader) {
      try {
        executor.execute(forget);
      } catch (RejectedExecutionException e) {
        return; // closed
      }
      schedule();
    }
  }

  public boolean isLeader() {
    return leader;
  }

  /** The desired state now, replacing any not yet worked on. */
  public void submit(T desired) {
    latest.set(Objects.requireNonNull(desired, "desired"));
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::runPass);
      } catch (RejectedExecutionException e) {
        scheduled.set(false); // closed
      }
    }
  }

  private void runPass() {
    scheduled.set(false);
    T desired = latest.get();
    if (!leader || desired == null) {
      return;
    }
    if (!pass.run(desired)) {
      executor.schedule(this::schedule, RETRY_SECONDS, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    leader = false;
    executor.shutdownNow();
  }
}
