package dev.archway.provider.kubernetes;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the API server with one informer per {@link WatchedKind} and publishes a {@link
 * SnapshotUpdate} per burst of changes.
 *
 * <ul>
 *   <li><b>Initial sync.</b> Nothing is published until every informer has listed its kind: a
 *       snapshot of a half-filled cache would produce wrong statuses (a route whose Service is not
 *       listed yet would be {@code BackendNotFound}).
 *   <li><b>Normalization.</b> Each object is copied and stripped of what the API server adds (see
 *       {@link Normalizer}); an event whose normalized object equals the one held is no change.
 *       This absorbs resyncs, {@code resourceVersion} bumps, and Archway's own status writes.
 *   <li><b>Debounce.</b> See {@link Debounce}. Publishing and the listener run on one thread, so
 *       changes that arrive while the listener works are coalesced into the next update.
 *   <li><b>Endpoint fast path.</b> A burst made only of EndpointSlice changes is flagged {@link
 *       SnapshotUpdate#endpointsOnly()} and waits only {@link Debounce#endpointHoldoff()}; the
 *       consumer can skip work for slices no route uses.
 * </ul>
 *
 * <p>Informers are cluster-wide, except for Secrets and ConfigMaps; which objects matter (Gateways
 * of Archway's GatewayClasses and what they reference) is the translator's decision, and it
 * computes statuses only for those.
 *
 * <p><b>Secrets and ConfigMaps</b> ({@link WatchedKind#BY_NAME}) are watched one by one, by name
 * ({@link NamedWatches}): before publishing a snapshot that may change references (anything but
 * EndpointSlices, Secrets or ConfigMaps changed), the provider asks {@link References} which
 * Secrets and ConfigMaps a translation of it reads, starts or stops per-object informers to match,
 * waits for the new ones to list, and publishes a snapshot that holds exactly those objects. So no
 * list or watch of all Secrets or ConfigMaps is ever made, a ConfigMap no one references (such as
 * the {@code kube-root-ca.crt} of every namespace) is never cached, and RBAC can grant the
 * controller the referenced objects alone.
 */
public final class KubernetesProvider implements AutoCloseable, ObjectCache {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesProvider.class);

  /**
   * The Secrets and ConfigMaps a snapshot references (the translator's {@code referencedObjects}).
   * They must not depend on Secrets or ConfigMaps themselves: a change to one does not make the
   * provider ask again.
   */
  @FunctionalInterface
  public interface References {
    /** Nothing: no Secret or ConfigMap is watched. */
    References NONE = snapshot -> Set.of();

    Set<ResourceKey> of(ResourceSnapshot snapshot);
  }

  /** Receives every update, on the provider's own thread, one at a time. */
  @FunctionalInterface
  public interface Listener {
    void changed(SnapshotUpdate update);
  }

  private final KubernetesClient client;
  private final Listener listener;
  private final Debounce debounce;
  private final Normalizer normalizer;
  private final Map<WatchedKind, SharedIndexInformer<? extends HasMetadata>> informers =
      new LinkedHashMap<>();
  private final ScheduledExecutorService executor;
  private final References references;
  private final NamedWatches named;

  private final Object lock = new Object();
  // Guarded by lock: the normalized objects, and the burst not yet published.
  private final LiveObjects objects = new LiveObjects();
  private final Set<ResourceKey> pending = new HashSet<>();
  private boolean synced;
  private boolean pendingEndpointsOnly = true;
  private boolean flushScheduled;
  private long firstChangeNanos;
  private long lastChangeNanos;
  private volatile boolean closed;

  private KubernetesProvider(
      KubernetesClient client,
      Listener listener,
      Debounce debounce,
      Duration syncTimeout,
      References references) {
    this.client = Objects.requireNonNull(client, "client");
    this.references = Objects.requireNonNull(references, "references");
    this.named =
        new NamedWatches(
            client,
            syncTimeout,
            key -> handler(WatchedKind.byKind(key.kind()).get()),
            this::forget);
    this.listener = Objects.requireNonNull(listener, "listener");
    this.debounce = Objects.requireNonNull(debounce, "debounce");
    this.normalizer = new Normalizer(client.getKubernetesSerialization());
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("archway-k8s-provider").factory());
  }

  /**
   * Starts an informer for every watched kind the API server serves, waits until all of them have
   * synced, watches the Secrets and ConfigMaps {@code references} names, publishes the first
   * snapshot (the listener has handled it when this returns), then keeps publishing changes.
   *
   * @throws KubernetesProviderException if a required kind is not served or the informers do not
   *     sync within {@code syncTimeout}
   */
  public static KubernetesProvider start(
      KubernetesClient client,
      Listener listener,
      Debounce debounce,
      Duration syncTimeout,
      References references) {
    KubernetesProvider provider =
        new KubernetesProvider(client, listener, debounce, syncTimeout, references);
    try {
      provider.startInformers(syncTimeout);
      provider.executor.submit(provider::publishInitial).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      provider.close();
      throw new KubernetesProviderException("interrupted while starting", e);
    } catch (ExecutionException e) {
      provider.close();
      throw new KubernetesProviderException(
          "first snapshot failed: " + e.getCause().getMessage(), e.getCause());
    } catch (RuntimeException e) {
      provider.close();
      throw e;
    }
    return provider;
  }

  /** The kinds being watched (those the API server serves). */
  public List<WatchedKind> watched() {
    return List.copyOf(informers.keySet());
  }

  private void startInformers(Duration syncTimeout) throws InterruptedException {
    List<String> missing = new ArrayList<>();
    for (WatchedKind kind : WatchedKind.ALL) {
      if (!client.supports(kind.type())) {
        if (kind.required()) {
          missing.add(kind.apiVersion() + " " + kind.kind());
        } else {
          LOG.warn(
              "{} {} is not served by the API server (CRD not installed?); not watching it",
              kind.apiVersion(),
              kind.kind());
        }
        continue;
      }
      informers.put(kind, informer(kind));
    }
    if (!missing.isEmpty()) {
      throw new KubernetesProviderException(
          "the API server does not serve " + String.join(", ", missing) + " (install the CRDs)");
    }
    List<CompletableFuture<Void>> started = new ArrayList<>();
    informers.values().forEach(i -> started.add(i.start().toCompletableFuture()));
    try {
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
          .get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new KubernetesProviderException(
          "listing resources failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      List<String> unsynced = new ArrayList<>();
      informers.forEach(
          (kind, informer) -> {
            if (!informer.hasSynced()) {
              unsynced.add(kind.kind());
            }
          });
      throw new KubernetesProviderException(
          "informers not synced after " + syncTimeout + ": " + unsynced, e);
    }
  }

  private <T extends HasMetadata> SharedIndexInformer<T> informer(WatchedKind kind) {
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) kind.type();
    SharedIndexInformer<T> informer =
        kind.namespaced()
            ? client.resources(type).inAnyNamespace().runnableInformer(0)
            : client.resources(type).runnableInformer(0);
    informer.addEventHandler(handler(kind));
    return informer;
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(WatchedKind kind) {
    return new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        put(kind, obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        put(kind, newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        remove(kind, obj);
      }
    };
  }

  /** A Secret or ConfigMap no longer watched leaves the snapshot (a change of the next update). */
  private void forget(ResourceKey key) {
    synchronized (lock) {
      if (objects.remove(key) != null) {
        changed(key, WatchedKind.byKind(key.kind()).orElseThrow());
      }
    }
  }

  /**
   * Watches the Secrets and ConfigMaps the current objects reference, and waits for new ones to be
   * listed. Runs on the executor, without the lock; their events go through {@link #put} like any
   * other (the caller publishes them with its update). A few rounds at most: references do not
   * depend on Secrets or ConfigMaps, so the second round normally finds nothing to do.
   */
  private void watchReferenced() {
    try {
      for (int round = 0; round < 3; round++) {
        ResourceSnapshot snapshot;
        synchronized (lock) {
          snapshot = snapshotLocked();
        }
        if (!named.update(references.of(snapshot))) {
          return;
        }
      }
    } catch (RuntimeException e) {
      // The update is published all the same, with the objects watched so far: a change that
      // cannot be published would hold back every later one.
      LOG.error(
          "finding the Secrets and ConfigMaps Gateways reference failed; watching the same ones",
          e);
    }
  }

  /** The Secrets and ConfigMaps watched now (each by name), sorted. */
  public Set<ResourceKey> watchedByName() {
    return named.watched();
  }

  private void put(WatchedKind kind, HasMetadata raw) {
    HasMetadata normalized = normalizer.normalize(raw, kind);
    ResourceKey key = key(kind, raw);
    if (kind.byName() && !named.watching(key)) {
      return; // a late event of an informer just stopped
    }
    synchronized (lock) {
      HasMetadata old = objects.get(key);
      if (old != null && old.equals(normalized)) {
        return;
      }
      objects.put(key, normalized);
      changed(key, kind);
    }
  }

  private void remove(WatchedKind kind, HasMetadata raw) {
    ResourceKey key = key(kind, raw);
    synchronized (lock) {
      if (objects.remove(key) != null) {
        changed(key, kind);
      }
    }
  }

  private static ResourceKey key(WatchedKind kind, HasMetadata raw) {
    return new ResourceKey(
        kind.kind(), raw.getMetadata().getNamespace(), raw.getMetadata().getName());
  }

  /** Records a change in the current burst and makes sure a flush is scheduled. Holds lock. */
  private void changed(ResourceKey key, WatchedKind kind) {
    if (!synced) {
      return; // the first snapshot is built from the synced stores
    }
    long now = System.nanoTime();
    if (pending.isEmpty()) {
      firstChangeNanos = now;
      pendingEndpointsOnly = true;
    }
    lastChangeNanos = now;
    pending.add(key);
    pendingEndpointsOnly &= kind.endpoints();
    if (!flushScheduled && !closed) {
      flushScheduled = true;
      executor.schedule(this::flush, holdoff().toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private Duration holdoff() {
    return pendingEndpointsOnly ? debounce.endpointHoldoff() : debounce.holdoff();
  }

  /** Publishes the burst once it has been quiet long enough, or has waited the maximum. */
  private void flush() {
    SnapshotUpdate update;
    boolean referencesMayChange;
    synchronized (lock) {
      long now = System.nanoTime();
      long quietAt = lastChangeNanos + holdoff().toNanos();
      long latest = firstChangeNanos + debounce.max().toNanos();
      long due = Math.min(quietAt, latest);
      if (now < due) {
        executor.schedule(this::flush, due - now, TimeUnit.NANOSECONDS);
        return;
      }
      flushScheduled = false;
      if (pending.isEmpty()) {
        return;
      }
      referencesMayChange =
          pending.stream()
              .anyMatch(
                  k ->
                      !k.kind().equals("EndpointSlice")
                          && WatchedKind.BY_NAME.stream()
                              .noneMatch(n -> n.kind().equals(k.kind())));
    }
    if (referencesMayChange) {
      watchReferenced();
    }
    synchronized (lock) {
      if (pending.isEmpty()) {
        return;
      }
      // Changes seen meanwhile (the Secrets just listed, say) are in this update: it holds every
      // object as it is now.
      update =
          new SnapshotUpdate(
              snapshotLocked(), pending, false, pendingEndpointsOnly, firstChangeNanos);
      pending.clear();
    }
    deliver(update);
  }

  private void publishInitial() {
    SnapshotUpdate update;
    synchronized (lock) {
      // Build the first state from the stores: handlers may not have seen every listed item yet.
      informers.forEach(
          (kind, informer) -> {
            for (HasMetadata raw : informer.getStore().list()) {
              objects.put(key(kind, raw), normalizer.normalize(raw, kind));
            }
          });
      synced = true;
    }
    watchReferenced();
    synchronized (lock) {
      // The Secrets' and ConfigMaps' events were recorded as changes: they are in this first
      // snapshot already.
      pending.clear();
      update = new SnapshotUpdate(snapshotLocked(), Set.of(), true, false, System.nanoTime());
    }
    LOG.info(
        "informers synced: {} resources of {} kinds", update.snapshot().size(), informers.size());
    listener.changed(update);
  }

  private void deliver(SnapshotUpdate update) {
    if (closed) {
      return;
    }
    try {
      listener.changed(update);
    } catch (RuntimeException e) {
      LOG.error("handling a snapshot failed; waiting for the next change", e);
    }
  }

  private ResourceSnapshot snapshotLocked() {
    return objects.snapshot();
  }

  /** The object as the informer holds it (not normalized: with status and resourceVersion). */
  @Override
  public Optional<HasMetadata> get(ResourceKey key) {
    if (WatchedKind.byKind(key.kind()).filter(WatchedKind::byName).isPresent()) {
      return named.get(key);
    }
    SharedIndexInformer<? extends HasMetadata> informer =
        WatchedKind.byKind(key.kind()).map(informers::get).orElse(null);
    if (informer == null) {
      return Optional.empty();
    }
    String storeKey = key.namespace().isEmpty() ? key.name() : key.namespace() + "/" + key.name();
    return Optional.ofNullable(informer.getStore().getByKey(storeKey));
  }

  /** Every object of a kind as the informer holds it; empty when the kind is not watched. */
  @Override
  public List<HasMetadata> list(String kind) {
    if (WatchedKind.byKind(kind).filter(WatchedKind::byName).isPresent()) {
      return List.copyOf(named.list(kind));
    }
    return WatchedKind.byKind(kind)
        .map(informers::get)
        .<List<HasMetadata>>map(i -> List.copyOf(i.getStore().list()))
        .orElse(List.of());
  }

  @Override
  public void close() {
    closed = true;
    informers.values().forEach(SharedIndexInformer::close);
    named.close();
    executor.shutdownNow();
  }
}
