package dev.archway.provider.kubernetes;

import dev.archway.api.snapshot.ResourceKey;
import io.fabric8.kubernetes.api.model.Secret;
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
 * One informer per Secret that Gateways reference, each on that Secret alone: {@code
 * secrets().inNamespace(ns).withName(name)} lists and watches with the field selector {@code
 * metadata.name=name}, which Kubernetes RBAC authorizes against a rule's {@code resourceNames}. So
 * the controller never lists or watches all Secrets, and an administrator can grant it exactly the
 * Secrets its Gateways use (deploy/README.md, "Secrets").
 *
 * <p>Not thread-safe: {@link #update} runs on the provider's thread only. Events arrive on the
 * informers' threads and go to the handler the provider gives.
 */
final class SecretWatches implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecretWatches.class);

  /** How long a Secret that could not be listed (forbidden, say) is not asked for again. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final Duration syncTimeout;
  private final Consumer<ResourceKey> onStop;
  private final Function<ResourceKey, ResourceEventHandler<Secret>> handlers;
  private final Map<ResourceKey, SharedIndexInformer<Secret>> informers = new ConcurrentHashMap<>();
  private final Map<ResourceKey, Long> failedAtNanos = new HashMap<>();

  /**
   * @param handlers the event handler of the informer of one Secret
   * @param onStop called for a Secret no longer watched: it must leave the snapshot
   */
  SecretWatches(
      KubernetesClient client,
      Duration syncTimeout,
      Function<ResourceKey, ResourceEventHandler<Secret>> handlers,
      Consumer<ResourceKey> onStop) {
    this.client = client;
    this.syncTimeout = syncTimeout;
    this.handlers = handlers;
    this.onStop = onStop;
  }

  /** The Secrets being watched. */
  Set<ResourceKey> watched() {
    return new TreeSet<>(informers.keySet());
  }

  /**
   * Watches exactly {@code wanted}: stops the informers of Secrets no longer wanted, starts one per
   * new Secret and waits until each has listed (so that the caller's next snapshot holds it). A
   * Secret that cannot be listed (RBAC forbids it) is logged and asked for again after {@link
   * #RETRY_AFTER}; until then the translator finds no such Secret.
   *
   * @return whether anything was started or stopped
   */
  boolean update(Set<ResourceKey> wanted) {
    boolean changed = false;
    for (ResourceKey key : List.copyOf(informers.keySet())) {
      if (!wanted.contains(key)) {
        informers.remove(key).close();
        onStop.accept(key);
        LOG.info("no longer watching {}: no Gateway references it", key);
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
      SharedIndexInformer<Secret> informer =
          client.secrets().inNamespace(key.namespace()).withName(key.name()).runnableInformer(0);
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
            LOG.info("watching {} (referenced by a Gateway)", key);
          } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.warn(
                "cannot watch {} (does the controller's RBAC let it get, list and watch that"
                    + " Secret?): {}; listeners using it report it not found, retrying in {} s",
                key,
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

  /** Whether this Secret is watched (its events count). */
  boolean watching(ResourceKey key) {
    return informers.containsKey(key);
  }

  /** The Secret as its informer holds it, if watched and present. */
  Optional<Secret> get(ResourceKey key) {
    SharedIndexInformer<Secret> informer = informers.get(key);
    return informer == null
        ? Optional.empty()
        : Optional.ofNullable(informer.getStore().getByKey(key.namespace() + "/" + key.name()));
  }

  /** Every watched Secret present, as the informers hold them. */
  List<Secret> list() {
    List<Secret> secrets = new ArrayList<>();
    informers.values().forEach(i -> secrets.addAll(i.getStore().list()));
    return secrets;
  }

  @Override
  public void close() {
    informers.values().forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
