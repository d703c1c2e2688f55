package dev.archway.app.runtime;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.dataplane.ApplyResult;
import dev.archway.dataplane.DataPlane;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.provider.kubernetes.Debounce;
import dev.archway.provider.kubernetes.KubernetesProvider;
import dev.archway.provider.kubernetes.LeaderElection;
import dev.archway.provider.kubernetes.ObjectCache;
import dev.archway.provider.kubernetes.SnapshotUpdate;
import dev.archway.provider.kubernetes.StatusWriter;
import dev.archway.translator.TranslationResult;
import dev.archway.translator.Translator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes mode's pipeline with host infrastructure: the Kubernetes provider's snapshots are
 * translated and applied to the in-process data plane, each Gateway bound on its own address from
 * {@link AddressPool}; the data plane's bind results become runtime facts ({@code Programmed},
 * {@code status.addresses}); the statuses go to the admin API's {@link StatusStore} and, on the
 * leader only, to the API server through the {@link StatusWriter}.
 *
 * <p><b>Endpoint fast path.</b> A burst of EndpointSlice-only changes is published after a shorter
 * holdoff. If none of the slices belongs to a Service the running configuration sends traffic to,
 * nothing is done at all (the new snapshot is used by the next translation). Otherwise the snapshot
 * is translated and applied as usual (translation is pure and cheap next to the holdoff; statuses
 * are unaffected by endpoints and compare equal, so the writer sends nothing), and the time from
 * the informer seeing the change to the data plane serving it is logged.
 *
 * <p>Every replica serves traffic with its own data plane; only the leader writes statuses.
 */
public final class ControllerRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerRunner.class);
  private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /**
   * How the controller runs.
   *
   * @param addressRange the local addresses Gateways are bound to, {@code FIRST-LAST}
   * @param election the Lease that elects the replica that writes statuses
   * @param debounce how changes are coalesced
   * @param syncTimeout how long the informers may take to list everything at start
   */
  public record Options(
      String addressRange,
      LeaderElection.Settings election,
      Debounce debounce,
      Duration syncTimeout) {
    public Options {
      Objects.requireNonNull(addressRange, "addressRange");
      Objects.requireNonNull(election, "election");
      Objects.requireNonNull(debounce, "debounce");
      Objects.requireNonNull(syncTimeout, "syncTimeout");
    }
  }

  private final DataPlane dataPlane;
  private final StatusStore statuses;
  private final Clock clock;
  private final AddressPool addresses;
  private final StatusWriter writer;
  private volatile KubernetesProvider provider;
  private LeaderElection election;

  // Guarded by this.
  private ResourceSnapshot current = ResourceSnapshot.EMPTY;
  private DataPlaneConfig applied = DataPlaneConfig.EMPTY;
  private RuntimeFacts facts = RuntimeFacts.NONE;
  private volatile boolean serving;
  private volatile Duration lastEndpointLatency;

  private ControllerRunner(
      KubernetesClient client,
      Options options,
      DataPlane dataPlane,
      StatusStore statuses,
      Clock clock) {
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.statuses = Objects.requireNonNull(statuses, "statuses");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.addresses = new AddressPool(options.addressRange());
    ObjectCache cache =
        new ObjectCache() {
          @Override
          public Optional<HasMetadata> get(ResourceKey key) {
            KubernetesProvider p = provider;
            return p == null ? Optional.empty() : p.get(key);
          }

          @Override
          public List<HasMetadata> list(String kind) {
            KubernetesProvider p = provider;
            return p == null ? List.of() : p.list(kind);
          }
        };
    this.writer = new StatusWriter(client, cache, clock, ArchwayApi.CONTROLLER_NAME);
  }

  /**
   * Lists everything, applies the first configuration (returns once it is served), and starts
   * competing for leadership.
   */
  public static ControllerRunner start(
      KubernetesClient client,
      Options options,
      DataPlane dataPlane,
      StatusStore statuses,
      Clock clock) {
    ControllerRunner runner = new ControllerRunner(client, options, dataPlane, statuses, clock);
    try {
      runner.provider =
          KubernetesProvider.start(
              client, runner::changed, options.debounce(), options.syncTimeout());
      runner.election =
          LeaderElection.start(
              client,
              options.election(),
              new LeaderElection.Listener() {
                @Override
                public void startedLeading() {
                  runner.writer.setLeader(true);
                }

                @Override
                public void stoppedLeading() {
                  runner.writer.setLeader(false);
                }
              });
    } catch (RuntimeException e) {
      runner.close();
      throw e;
    }
    return runner;
  }

  /** Whether a configuration is being served. */
  public boolean serving() {
    return serving;
  }

  /** Whether this replica writes statuses. */
  public boolean isLeader() {
    return writer.isLeader();
  }

  /** Status updates this replica sent to the API server. */
  public long statusWrites() {
    return writer.writes();
  }

  /** The address a Gateway is served on, or null. */
  public String addressOf(String namespace, String name) {
    return addresses.addressOf("gateway/" + namespace + "/" + name);
  }

  /**
   * Time from an informer seeing the first EndpointSlice change of the last update that had one, to
   * the data plane serving it; null before any.
   */
  public Duration lastEndpointLatency() {
    return lastEndpointLatency;
  }

  private synchronized void changed(SnapshotUpdate update) {
    ResourceSnapshot previous = current;
    current = update.snapshot();
    if (update.endpointsOnly() && !touchesDestinations(update, previous)) {
      LOG.debug("EndpointSlice changes of Services no route uses: {}", update.changed());
      return;
    }
    apply(current, update);
  }

  /** Whether a changed slice belongs to a Service that a destination in force sends traffic to. */
  private boolean touchesDestinations(SnapshotUpdate update, ResourceSnapshot previous) {
    Set<String> services =
        applied.destinations().stream()
            .map(Destination::name)
            .filter(n -> n.startsWith("service/"))
            .map(n -> n.substring(0, n.lastIndexOf('/')))
            .collect(Collectors.toSet());
    for (ResourceKey key : update.changed()) {
      EndpointSlice slice =
          update
              .snapshot()
              .find(EndpointSlice.class, key.namespace(), key.name())
              .or(() -> previous.find(EndpointSlice.class, key.namespace(), key.name()))
              .orElse(null);
      String service =
          slice == null || slice.getMetadata().getLabels() == null
              ? null
              : slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
      if (service == null || services.contains("service/" + key.namespace() + "/" + service)) {
        return true;
      }
    }
    return false;
  }

  /** Translates, applies and publishes; a configuration the data plane rejects changes nothing. */
  private void apply(ResourceSnapshot snapshot, SnapshotUpdate update) {
    Instant now = clock.instant();
    TranslationResult result = Translator.translate(snapshot, facts.withNow(now));
    AddressPool.Assignment assignment = addresses.assign(result.config());
    ApplyResult outcome;
    try {
      outcome = dataPlane.apply(assignment.config());
    } catch (RuntimeException e) {
      LOG.error(
          "configuration rejected, the last good configuration keeps serving: {}", e.toString());
      return;
    }
    applied = assignment.config();
    serving = true;
    recordEndpointLatency(update);
    RuntimeFacts observed = observedFacts(outcome, assignment);
    if (!observed.equals(facts)) {
      facts = observed;
      result = Translator.translate(snapshot, facts.withNow(now));
    }
    StatusStore.View view = statuses.publish(snapshot, result, now);
    writer.submit(result.statuses());
    LOG.info(
        "configuration applied ({} gateways, {} destinations; {}){}",
        applied.gateways().size(),
        applied.destinations().size(),
        describe(update),
        view.problems().isEmpty() ? "" : "; not accepted: " + view.problems());
  }

  /** Logs how long an EndpointSlice change took to reach the data plane (now serving it). */
  private void recordEndpointLatency(SnapshotUpdate update) {
    long slices = update.changed().stream().filter(k -> k.kind().equals("EndpointSlice")).count();
    if (slices > 0) {
      Duration latency = update.sinceFirstChange();
      lastEndpointLatency = latency;
      LOG.info(
          "endpoints applied {} ms after the first EndpointSlice change was seen ({} slices{})",
          String.format("%.1f", latency.toNanos() / 1e6),
          slices,
          update.endpointsOnly() ? ", endpoint-only" : ", with other changes");
    }
  }

  private static String describe(SnapshotUpdate update) {
    if (update.initial()) {
      return "initial sync, " + update.snapshot().size() + " resources";
    }
    List<ResourceKey> changed = update.changed().stream().sorted().toList();
    return changed.size() <= 5
        ? "changed: " + changed
        : "changed: " + changed.subList(0, 5) + " and " + (changed.size() - 5) + " more";
  }

  private static RuntimeFacts observedFacts(
      ApplyResult outcome, AddressPool.Assignment assignment) {
    RuntimeFacts bound = RuntimeFactsCollector.from(outcome);
    if (assignment.listenerErrors().isEmpty()) {
      return bound;
    }
    Map<String, String> errors = new HashMap<>(bound.listenerErrors());
    errors.putAll(assignment.listenerErrors());
    return new RuntimeFacts(errors, bound.gatewayAddresses());
  }

  /** Stops writing, releases the Lease, stops watching. The data plane is the caller's. */
  @Override
  public void close() {
    writer.setLeader(false);
    if (election != null) {
      election.close();
    }
    KubernetesProvider p = provider;
    if (p != null) {
      p.close();
    }
    writer.close();
  }
}
