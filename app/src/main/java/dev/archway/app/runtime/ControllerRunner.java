package dev.archway.app.runtime;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.app.sync.ProxyAcks;
import dev.archway.app.sync.ProxyCertificates;
import dev.archway.app.sync.SyncServer;
import dev.archway.dataplane.ApplyResult;
import dev.archway.dataplane.DataPlane;
import dev.archway.infra.InfraApplier;
import dev.archway.infra.ProxyModel;
import dev.archway.infra.ProxyResources;
import dev.archway.infra.ProxySettings;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.GatewayIr;
import dev.archway.provider.kubernetes.Debounce;
import dev.archway.provider.kubernetes.KubernetesProvider;
import dev.archway.provider.kubernetes.LeaderElection;
import dev.archway.provider.kubernetes.ObjectCache;
import dev.archway.provider.kubernetes.SnapshotUpdate;
import dev.archway.provider.kubernetes.StatusWriter;
import dev.archway.translator.GatewayRuntime;
import dev.archway.translator.TranslationMemo;
import dev.archway.translator.TranslationResult;
import dev.archway.translator.Translator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes mode's pipeline with host infrastructure: the Kubernetes provider's snapshots are
 * translated and applied to the in-process data plane, each Gateway bound on its own address from
 * {@link AddressPool}; the data plane's bind results become runtime facts ({@code Programmed},
 * {@code status.addresses}); the statuses go to the admin API's {@link StatusStore} and, on the
 * leader only, to the API server through the {@link StatusWriter}.
 *
 * <p><b>Only relevant changes are translated.</b> The informers watch whole kinds cluster-wide, so
 * most changes concern other controllers' Gateways and routes, or objects no route uses. {@link
 * Relevance} judges each update against what the last translation read: a change none of those
 * inputs saw (another class's Gateway, a route whose parentRefs name no Archway Gateway or
 * ListenerSet, a Service or Namespace the translation did not look up) is not translated and writes
 * no status; the admin API's view is republished, since it lists every object. The new snapshot is
 * what the next translation reads.
 *
 * <p><b>Endpoint fast path.</b> A burst of EndpointSlice-only changes is published after a shorter
 * holdoff. If none of the slices belongs to a Service the running configuration sends traffic to,
 * nothing is done at all. Otherwise nothing is translated: {@link Translator#refreshEndpoints}
 * reads the endpoints of the configuration in force again, and the result goes to the data plane
 * (host infrastructure) or to config sync, which sends proxies an endpoint delta. Routes, listeners
 * and statuses cannot depend on endpoints, so the statuses stay as they are. The same holds for a
 * burst whose other changes are not relevant. The time from the informer seeing the change to the
 * data plane serving it is logged ({@link #lastEndpointLatency()}); {@link #translations()} counts
 * full translations, which neither the fast path nor an irrelevant change adds to.
 *
 * <p>Every replica serves traffic with its own data plane; only the leader writes statuses.
 *
 * <p><b>Kubernetes infrastructure</b> ({@link Options#proxy()} set): there is no data plane in this
 * process. Each Gateway gets a proxy Deployment, Service and ServiceAccount ({@link ProxyModel}),
 * which the leader applies ({@link InfraApplier}); {@code status.addresses} are read from those
 * Services in the snapshot (the provider watches Services, so a load balancer's address arriving is
 * a change like any other). Addresses a Gateway requests in {@code spec.addresses} become its
 * Service's external IPs when {@link StaticAddresses} allows them, and are then what the Gateway
 * reports; the others make it {@code Programmed=False AddressNotUsable}. With config sync ({@code
 * start(…, SyncServer, ProxyCertificates)}) each Gateway's slice of the configuration is published
 * to its proxies, a Gateway is {@code Programmed} once they acknowledged it ({@link ProxyAcks}),
 * and the leader keeps each Gateway's proxy certificate Secret ({@link ProxyCertificates}).
 */
public final class ControllerRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerRunner.class);

  /**
   * How the controller runs.
   *
   * @param addressRange {@code FIRST-LAST}: with host infrastructure the local addresses Gateways
   *     are bound to; with Kubernetes infrastructure the addresses Gateways may request in {@code
   *     spec.addresses} for their proxy Service ({@link StaticAddresses}), null for none
   * @param election the Lease that elects the replica that writes statuses
   * @param debounce how changes are coalesced
   * @param syncTimeout how long the informers may take to list everything at start
   * @param proxy how proxies are provisioned with Kubernetes infrastructure, or null for host
   *     infrastructure (this process is the data plane)
   */
  public record Options(
      String addressRange,
      LeaderElection.Settings election,
      Debounce debounce,
      Duration syncTimeout,
      ProxySettings proxy) {
    public Options {
      if (proxy == null) {
        Objects.requireNonNull(addressRange, "addressRange");
      }
      Objects.requireNonNull(election, "election");
      Objects.requireNonNull(debounce, "debounce");
      Objects.requireNonNull(syncTimeout, "syncTimeout");
    }

    /** Host infrastructure. */
    public Options(
        String addressRange,
        LeaderElection.Settings election,
        Debounce debounce,
        Duration syncTimeout) {
      this(addressRange, election, debounce, syncTimeout, null);
    }
  }

  /** How often the proxy objects are applied again even when nothing changed. */
  private static final Duration INFRA_RESYNC = Duration.ofMinutes(5);

  private final DataPlane dataPlane;
  private final StatusStore statuses;
  private final Clock clock;
  private final CertificateClock certificateClock;
  private final AddressPool addresses; // host infrastructure
  private final StaticAddresses staticAddresses; // Kubernetes infrastructure
  private final StatusWriter writer;
  private final ProxySettings proxy;
  private final InfraApplier infra;
  private volatile KubernetesProvider provider;
  private LeaderElection election;

  // Guarded by this.
  private ResourceSnapshot current = ResourceSnapshot.EMPTY;
  private DataPlaneConfig applied = DataPlaneConfig.EMPTY;
  private TranslationResult lastResult; // what statuses were last published from
  private TranslationResult lastTranslated; // what the last translation read

  /**
   * HTTPRoutes that did not change are not translated again (the informers hand out the same object
   * until it changes). Results are only read: published, written as statuses, applied.
   */
  private final TranslationMemo memo = new TranslationMemo();

  private Set<ResourceKey> proxyServices = Set.of(); // read for addresses (Kubernetes infra)
  private RuntimeFacts facts = RuntimeFacts.NONE;
  private volatile boolean serving;
  private volatile Duration lastEndpointLatency;
  private final AtomicLong translations = new AtomicLong();
  private volatile SyncServer sync;
  private boolean closed; // guarded by this: no status work after close (proxies still come and go)
  private volatile ProxyCertificates certificates;

  private ControllerRunner(
      KubernetesClient client,
      Options options,
      DataPlane dataPlane,
      StatusStore statuses,
      Clock clock) {
    this.proxy = options.proxy();
    this.dataPlane = proxy == null ? Objects.requireNonNull(dataPlane, "dataPlane") : dataPlane;
    this.infra =
        proxy == null ? null : new InfraApplier(client, "archway-controller", INFRA_RESYNC);
    this.statuses = Objects.requireNonNull(statuses, "statuses");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.certificateClock = new CertificateClock(clock);
    this.addresses = proxy == null ? new AddressPool(options.addressRange()) : null;
    this.staticAddresses = proxy == null ? null : new StaticAddresses(options.addressRange());
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
   * competing for leadership. {@code dataPlane} is unused (may be null) with Kubernetes
   * infrastructure.
   */
  public static ControllerRunner start(
      KubernetesClient client,
      Options options,
      DataPlane dataPlane,
      StatusStore statuses,
      Clock clock) {
    return start(client, options, dataPlane, statuses, clock, null);
  }

  /**
   * As above; with Kubernetes infrastructure, each configuration is also published to {@code sync}
   * (config sync to the proxies, may be null) and a Gateway is {@code Programmed} only once its
   * proxies acknowledged it.
   */
  public static ControllerRunner start(
      KubernetesClient client,
      Options options,
      DataPlane dataPlane,
      StatusStore statuses,
      Clock clock,
      SyncServer sync) {
    return start(client, options, dataPlane, statuses, clock, sync, null);
  }

  /**
   * As above; the leader also keeps each provisioned Gateway's proxy certificate Secret through
   * {@code certificates} (may be null: the proxies' TLS files then come from elsewhere).
   */
  public static ControllerRunner start(
      KubernetesClient client,
      Options options,
      DataPlane dataPlane,
      StatusStore statuses,
      Clock clock,
      SyncServer sync,
      ProxyCertificates certificates) {
    ControllerRunner runner = new ControllerRunner(client, options, dataPlane, statuses, clock);
    runner.certificates = certificates;
    if (sync != null) {
      runner.sync = sync;
      sync.onChange(runner::proxiesChanged);
    }
    try {
      runner.provider =
          KubernetesProvider.start(
              client,
              runner::changed,
              options.debounce(),
              options.syncTimeout(),
              Translator::referencedObjects);
      runner.election =
          LeaderElection.start(
              client,
              options.election(),
              new LeaderElection.Listener() {
                @Override
                public void startedLeading() {
                  runner.writer.setLeader(true);
                  if (runner.infra != null) {
                    runner.infra.setLeader(true);
                  }
                  if (runner.certificates != null) {
                    runner.certificates.setLeader(true);
                  }
                }

                @Override
                public void stoppedLeading() {
                  runner.writer.setLeader(false);
                  if (runner.infra != null) {
                    runner.infra.setLeader(false);
                  }
                  if (runner.certificates != null) {
                    runner.certificates.setLeader(false);
                  }
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

  /**
   * The Secrets and ConfigMaps watched, each by name: those Gateways and BackendTLSPolicies
   * reference (sorted).
   */
  public Set<ResourceKey> watchedByName() {
    KubernetesProvider p = provider;
    return p == null ? Set.of() : p.watchedByName();
  }

  /** The address a Gateway is served on (host infrastructure), or null. */
  public String addressOf(String namespace, String name) {
    return addresses == null ? null : addresses.addressOf("gateway/" + namespace + "/" + name);
  }

  /**
   * Time from an informer seeing the first EndpointSlice change of the last update that had one, to
   * the data plane serving it; null before any.
   */
  public Duration lastEndpointLatency() {
    return lastEndpointLatency;
  }

  /**
   * Full translations of a snapshot made so far (each {@link Translator#translate} call, the
   * re-translations for runtime facts included); the endpoint fast path makes none, nor does a
   * change no translation depends on ({@link Relevance}).
   */
  public long translations() {
    return translations.get();
  }

  /** How many HTTPRoutes the last translation reused from the one before (tests read it). */
  public synchronized int lastReusedRoutes() {
    return memo.lastReused();
  }

  private TranslationResult translate(ResourceSnapshot snapshot, Instant now) {
    translations.incrementAndGet();
    lastTranslated =
        Translator.translate(
            snapshot,
            facts.withNow(now),
            proxy == null ? GatewayRuntime.HOST : GatewayRuntime.KUBERNETES,
            memo);
    return lastTranslated;
  }

  private synchronized void changed(SnapshotUpdate update) {
    ResourceSnapshot previous = current;
    current = update.snapshot();
    if (update.initial() || lastResult == null) {
      apply(current, update);
      return;
    }
    switch (new Relevance(lastTranslated, proxyServices).of(update, previous, applied)) {
      case TRANSLATE -> apply(current, update);
      case ENDPOINTS -> refreshEndpoints(update);
      case NOTHING -> {
        LOG.debug("changes no Archway Gateway depends on: {}", update.changed());
        if (!update.endpointsOnly()) {
          statuses.publish(current, lastResult, clock.instant()); // the view lists every object
        }
      }
    }
  }

  /**
   * The fast path: the configuration in force with its endpoints read again, applied or published
   * without translating.
   */
  private void refreshEndpoints(SnapshotUpdate update) {
    DataPlaneConfig refreshed = Translator.refreshEndpoints(applied, current);
    if (refreshed != applied) {
      if (proxy == null) {
        try {
          dataPlane.apply(refreshed);
        } catch (RuntimeException e) {
          LOG.error(
              "endpoints rejected, the last good configuration keeps serving: {}", e.toString());
          return;
        }
      } else if (sync != null) {
        sync.publish(refreshed); // an endpoint delta for proxies that have the configuration
      }
      applied = refreshed;
    }
    recordEndpointLatency(update);
    statuses.publish(current, lastResult, clock.instant());
  }

  /** Proxy objects created or changed by this replica (Kubernetes infrastructure). */
  public long infraApplies() {
    return infra == null ? 0 : infra.applies();
  }

  /** Translates, applies and publishes; a configuration the data plane rejects changes nothing. */
  private void apply(ResourceSnapshot snapshot, SnapshotUpdate update) {
    Instant now = clock.instant();
    certificateClock.arm(snapshot, now, this::certificatesChanged);
    if (proxy != null) {
      provision(snapshot, update, now);
      return;
    }
    TranslationResult result = translate(snapshot, now);
    AddressPool.Assignment assignment =
        addresses.assign(result.config(), AddressPool.requested(snapshot));
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
      result = translate(snapshot, now);
    }
    lastResult = result;
    StatusStore.View view = statuses.publish(snapshot, result, now);
    writer.submit(result.statuses());
    LOG.info(
        "configuration applied ({} gateways, {} destinations; {}){}",
        applied.gateways().size(),
        applied.destinations().size(),
        describe(update),
        view.problems().isEmpty() ? "" : "; not accepted: " + view.problems());
  }

  /**
   * Kubernetes infrastructure: translates, derives each Gateway's proxy objects (with the requested
   * addresses it may have, {@link StaticAddresses}), takes the Gateways' addresses from their proxy
   * Services, and publishes; the leader applies the objects.
   */
  private void provision(ResourceSnapshot snapshot, SnapshotUpdate update, Instant now) {
    TranslationResult result = translate(snapshot, now);
    StaticAddresses.Assignment statics =
        staticAddresses.assign(
            result.config().gateways().stream().map(GatewayIr::name).toList(),
            AddressPool.requested(snapshot));
    List<ProxyResources> desired = new ArrayList<>();
    List<ProxyCertificates.Target> tls = new ArrayList<>();
    Map<String, List<String>> addresses = new HashMap<>();
    Set<ResourceKey> servicesRead = new HashSet<>();
    for (GatewayIr gateway : result.config().gateways()) {
      String[] parts = gateway.name().split("/", 3);
      Optional<Gateway> source = snapshot.find(Gateway.class, parts[1], parts[2]);
      if (source.isEmpty() || source.get().getMetadata().getUid() == null) {
        continue; // an owner reference needs the uid: a Gateway from the API server has one
      }
      List<String> externalIps = statics.of(gateway.name());
      ProxyResources resources =
          ProxyModel.desired(gateway, source.get().getMetadata().getUid(), proxy, externalIps);
      desired.add(resources);
      tls.add(
          new ProxyCertificates.Target(
              parts[1],
              parts[2],
              source.get().getMetadata().getUid(),
              ProxyModel.tlsSecretName(parts[2]),
              resources.deployment().getSpec().getSelector().getMatchLabels()));
      servicesRead.add(new ResourceKey("Service", resources.namespace(), resources.name()));
      snapshot
          .find(Service.class, resources.namespace(), resources.name())
          .map(service -> ProxyModel.addresses(service, externalIps))
          .filter(a -> !a.isEmpty())
          .ifPresent(a -> addresses.put(resources.gateway(), a));
    }
    proxyServices = Set.copyOf(servicesRead);
    RuntimeFacts observed = new RuntimeFacts(Map.of(), addresses, statics.errors(), null);
    if (sync != null) {
      sync.publish(result.config());
      observed = ProxyAcks.merge(observed, result.config(), sync);
    }
    if (!observed.equals(facts)) {
      facts = observed;
      result = translate(snapshot, now);
    }
    applied = result.config();
    lastResult = result;
    serving = true;
    recordEndpointLatency(update);
    StatusStore.View view = statuses.publish(snapshot, result, now);
    writer.submit(result.statuses());
    infra.submit(desired);
    if (certificates != null) {
      certificates.submit(tls);
    }
    LOG.info(
        "configuration translated ({} gateways provisioned; {}){}",
        desired.size(),
        describe(update),
        view.problems().isEmpty() ? "" : "; not accepted: " + view.problems());
  }

  /** A certificate expired or became valid: the same snapshot, translated at the new time. */
  private synchronized void certificatesChanged() {
    if (closed || current == null || lastResult == null) {
      return;
    }
    apply(current, new SnapshotUpdate(current, Set.of(), false, false, System.nanoTime()));
  }

  /** Proxies acknowledged, rejected, came or went: {@code Programmed} may have changed. */
  private synchronized void proxiesChanged() {
    if (proxy == null || !serving || closed) {
      return;
    }
    Instant now = clock.instant();
    RuntimeFacts observed =
        ProxyAcks.merge(
            new RuntimeFacts(
                Map.of(), facts.gatewayAddresses(), facts.gatewayAddressErrors(), null),
            applied,
            sync);
    if (!observed.equals(facts)) {
      facts = observed;
      TranslationResult result = translate(current, now);
      lastResult = result;
      statuses.publish(current, result, now);
      writer.submit(result.statuses());
    }
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
    if (update.changed().isEmpty()) {
      return "a certificate expired or became valid";
    }
    List<ResourceKey> changed = update.changed().stream().sorted().toList();
    return changed.size() <= 5
        ? "changed: " + changed
        : "changed: " + changed.subList(0, 5) + " and " + (changed.size() - 5) + " more";
  }

  private static RuntimeFacts observedFacts(
      ApplyResult outcome, AddressPool.Assignment assignment) {
    RuntimeFacts bound = RuntimeFactsCollector.from(outcome);
    if (assignment.listenerErrors().isEmpty() && assignment.gatewayAddressErrors().isEmpty()) {
      return bound;
    }
    Map<String, String> errors = new HashMap<>(bound.listenerErrors());
    errors.putAll(assignment.listenerErrors());
    return new RuntimeFacts(
        errors, bound.gatewayAddresses(), assignment.gatewayAddressErrors(), null);
  }

  /** Stops writing, releases the Lease, stops watching. The data plane is the caller's. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    writer.setLeader(false);
    certificateClock.close();
    if (infra != null) {
      infra.close();
    }
    if (certificates != null) {
      certificates.close();
    }
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
