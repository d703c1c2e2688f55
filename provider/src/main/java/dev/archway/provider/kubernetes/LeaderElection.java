package dev.archway.provider.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease, with fabric8's LeaderElector.
 *
 * <p>The leader renews the Lease every {@code retryPeriod}; if it cannot renew within {@code
 * renewDeadline} it stops leading (and its listener is told, so it stops writing) before the Lease
 * expires after {@code leaseDuration}, which is when another replica may take it. So two replicas
 * never both believe they lead, as long as their clocks run at the same rate. On {@link #close} the
 * Lease is released, so a successor takes over after its next retry instead of waiting for the
 * Lease to expire. A replica that lost leadership keeps competing for it.
 */
public final class LeaderElection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  /**
   * Where the Lease is and how it is timed.
   *
   * @param namespace the Lease's namespace
   * @param leaseName the Lease's name
   * @param identity this replica's name in the Lease's holderIdentity
   */
  public record Settings(
      String namespace,
      String leaseName,
      String identity,
      Duration leaseDuration,
      Duration renewDeadline,
      Duration retryPeriod) {
    public Settings {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(leaseName, "leaseName");
      Objects.requireNonNull(identity, "identity");
      if (renewDeadline.compareTo(leaseDuration) >= 0) {
        throw new IllegalArgumentException(
            "renewDeadline " + renewDeadline + " (expected less than leaseDuration)");
      }
    }

    /** client-go's defaults: 15 s lease, 10 s renew deadline, 2 s retry. */
    public static Settings defaults(String namespace, String leaseName, String identity) {
      return new Settings(
          namespace,
          leaseName,
          identity,
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(2));
    }
  }

  /** Told when this replica starts and stops leading; called from the election's thread. */
  public interface Listener {
    void startedLeading();

    void stoppedLeading();
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final Listener listener;
  private final ExecutorService executor;
  private volatile boolean leader;
  private volatile boolean closed;
  private CompletableFuture<?> running;

  private LeaderElection(KubernetesClient client, Settings settings, Listener listener) {
    this.client = client;
    this.settings = settings;
    this.listener = listener;
    this.executor =
        Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("archway-leader-election", 0).factory());
  }

  /** Starts competing for the Lease in the background. */
  public static LeaderElection start(
      KubernetesClient client, Settings settings, Listener listener) {
    LeaderElection election =
        new LeaderElection(
            Objects.requireNonNull(client, "client"),
            Objects.requireNonNull(settings, "settings"),
            Objects.requireNonNull(listener, "listener"));
    election.run();
    return election;
  }

  /** Whether this replica holds the Lease. */
  public boolean isLeader() {
    return leader;
  }

  /** This replica's identity in the Lease. */
  public String identity() {
    return settings.identity();
  }

  private synchronized void run() {
    if (closed) {
      return;
    }
    LeaderElectionConfig config =
        new LeaderElectionConfigBuilder()
            .withName(settings.leaseName())
            .withLock(
                new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity()))
            .withLeaseDuration(settings.leaseDuration())
            .withRenewDeadline(settings.renewDeadline())
            .withRetryPeriod(settings.retryPeriod())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped, this::newLeader))
            .build();
    running = client.leaderElector().withConfig(config).build().start();
    // The elector's future ends when leadership is lost (or on close); compete again.
    running.whenComplete(
        (ok, error) -> {
          if (!closed) {
            if (error != null) {
              LOG.warn("leader election ended: {}; competing again", error.toString());
            }
            executor.execute(this::run);
          }
        });
  }

  private void started() {
    LOG.info(
        "{} is the leader (Lease {}/{})",
        settings.identity(),
        settings.namespace(),
        settings.leaseName());
    leader = true;
    listener.startedLeading();
  }

  private void stopped() {
    if (leader) {
      LOG.info("{} stopped leading", settings.identity());
    }
    leader = false;
    listener.stoppedLeading();
  }

  private void newLeader(String identity) {
    LOG.info("leader is now {}", identity);
  }

  /** Stops competing; if leading, stops and releases the Lease. */
  @Override
  public void close() {
    CompletableFuture<?> current;
    synchronized (this) {
      closed = true;
      current = running;
    }
    if (current != null) {
      current.cancel(true);
    }
    if (leader) {
      stopped();
    }
    executor.shutdown();
  }
}
