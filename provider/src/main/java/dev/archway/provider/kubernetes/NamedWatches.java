package dev.archway.provider.kubernetes;

import dev.archway.api.snapshot.ResourceKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer per object of a kind watched by name ({@link WatchedKind#BY_NAME}: the Secrets and
 * ConfigMaps a translation references), each on that object alone: {@code
 * resources(type).inNamespace(ns).withName(name)} lists and watches with the field selector {@code
 * metadata.name=name}, which Kubernetes RBAC authorizes against a rule's {@code resourceNames}. So
 * the controller never lists or watches all Secrets or ConfigMaps, and an administrator can grant
 * it exactly the objects its Gateways use (deploy/README.md, "Secrets and ConfigMaps").
 *
 * <p>Not thread-safe: {@link #update} runs on the provider's thread only. Events arrive on the
 * informers' threads and go to the handler the provider gives.
 */
final class NamedWatches implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NamedWatches.class);

  /** How long an object that could not be listed (forbidden, say) is not asked for again. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final Duration syncTimeout;
  private final Consumer<ResourceKey> onStop;
  private final Function<ResourceKey, ResourceEventHandler<HasMetadata>> handlers;
  private final Map<ResourceKey, SharedIndexInformer<? extends HasMetadata>> informers =
      new ConcurrentHashMap<>();
  private final Map<ResourceKey, Long> failedAtNanos = new HashMap<>();

  /**
   * @param handlers the event handler of the informer of one object
   * @param onStop called for an object no longer watched: it must leave the snapshot
   */
  NamedWatches(
      KubernetesClient client,
      Duration syncTimeout,
      Function<ResourceKey, ResourceEventHandler<HasMetadata>> handlers,
      Consumer<ResourceKey> onStop) {
    this.client = client;
    this.syncTimeout = syncTimeout;
    this.handlers = handlers;
    this.onStop = onStop;
  }

  /** The objects being watched, sorted. */
  Set<ResourceKey> watched() {
    return new TreeSet<>(informers.keySet());
  }

  /**
   * Watches exactly {@code wanted} (keys of {@link WatchedKind#BY_NAME} kinds): stops the informers
   * of objects no longer wanted, starts one per new object and waits until each has listed (so that
   * the caller's next snapshot holds it). An object that cannot be listed (RBAC forbids it) is
   * logged and asked for again after {@link #RETRY_AFTER}; until then the translator finds no such
   * object.
   *
   * @return whether anything was started or stopped
   */
  boolean update(Set<ResourceKey> wanted) {
    boolean changed = false;
    for (ResourceKey key : List.copyOf(informers.keySet())) {
      if (!wanted.contains(key)) {
        informers.remove(key).close();
        onStop.accept(key);
        LOG.info("no longer watching {}: no Gateway or policy references it", key);
        changed = true;
      }
    }
    failedAtNanos.keySet().retainAll(wanted);
    long now = System.nanoTime();
    Map<ResourceKey, CompletableFuture<Void>> started = new LinkedHashMap<>();
    for (ResourceKey key : wanted) {
      Long failedAt = failedAtNanos.get(key);
      if (informers.containsKey(key)
          || (failedAt != null && now - failedAt < RETRY_AFTER.toNanos())) {
        continue;
      }
      SharedIndexInformer<HasMetadata> informer = informer(key);
      informer.addEventHandler(handlers.apply(key));
      informers.put(key, informer);
      started.put(key, informer.start().toCompletableFuture());
      changed = true;
    }
    long deadline = System.nanoTime() + syncTimeout.toNanos();
    started.forEach(
        (key, future) -> {
          try {
            future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            failedAtNanos.remove(key);
            LOG.info("watching {} (referenced by a Gateway or policy)", key);
          } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn(
                "cannot watch {} (does the controller's RBAC let it get, list and watch that"
                    + " {}?): {}; what uses it reports it not found, retrying in {} s",
                key,
                key.kind(),
                cause.toString(),
                RETRY_AFTER.toSeconds());
            informers.remove(key).close();
            onStop.accept(key);
            failedAtNanos.put(key, System.nanoTime());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    return changed;
  }

  private SharedIndexInformer<HasMetadata> informer(ResourceKey key) {
    WatchedKind kind =
        WatchedKind.byKind(key.kind())
            .filter(WatchedKind.BY_NAME::contains)
            .orElseThrow(() -> new IllegalArgumentException(key + ": not a kind watched by name"));
    @SuppressWarnings("unchecked")
    Class<HasMetadata> type = (Class<HasMetadata>) kind.type();
    return client
        .resources(type)
        .inNamespace(key.namespace())
        .withName(key.name())
        .runnableInformer(0);
  }

  /** Whether this object is watched (its events count). */
  boolean watching(ResourceKey key) {
    return informers.containsKey(key);
  }

  /** The object as its informer holds it, if watched and present. */
  Optional<HasMetadata> get(ResourceKey key) {
    SharedIndexInformer<? extends HasMetadata> informer = informers.get(key);
    return informer == null
        ? Optional.empty()
        : Optional.<HasMetadata>ofNullable(
            informer.getStore().getByKey(key.namespace() + "/" + key.name()));
  }

  /** Every watched object of a kind that is present, as the informers hold them. */
  List<HasMetadata> list(String kind) {
    List<HasMetadata> objects = new ArrayList<>();
    informers.forEach(
        (key, informer) -> {
          if (key.kind().equals(kind)) {
            objects.addAll(informer.getStore().list());
          }
        });
    return objects;
  }

  @Override
  public void close() {
    informers.values().forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
