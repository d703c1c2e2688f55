package dev.archway.provider.kubernetes;

import dev.archway.api.snapshot.ResourceKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the statuses Archway computed to the {@code /status} subresource, only while this replica
 * is the leader.
 *
 * <p>For each resource: read it (from the informer cache first, so that an unchanged status costs
 * no request), merge the computed status into the server's ({@link StatusMerge}: other controllers'
 * route parents kept, stale parents of Archway's dropped, condition times kept while a condition's
 * status holds), and write only if the result differs ignoring {@code lastTransitionTime}. The
 * write is an update of the status subresource carrying the {@code resourceVersion} that was read,
 * so a concurrent change fails with 409 Conflict; the writer then reads the object again from the
 * server and retries.
 *
 * <p>The cache lags behind the writer's own writes: right after a write it may still hold the
 * status from before it. Compared with that copy, a status that changed back (Programmed False,
 * then True again once a proxy acknowledged) would look unchanged and never be written. So after
 * writing a resource, the writer reads it from the server until the cache shows the version it
 * wrote.
 *
 * <p>Writes happen on one background thread. Only the newest set of statuses matters: a set
 * submitted while another is being written replaces any set still waiting.
 */
public final class StatusWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
  private static final int ATTEMPTS = 5;

  /** Requests in flight at once while a pass writes (see {@link #writeInParallel}). */
  private static final int WRITERS = 4;

  /** A pass is split into parts of at least this many statuses. */
  private static final int MIN_PER_WRITER = 64;

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final KubernetesClient client;
  private final KubernetesSerialization serialization;
  private final ObjectCache cache;
  private final Clock clock;
  private final StatusMerge merge;
  private final ExecutorService executor;
  private final ExecutorService writers;
  private final AtomicReference<Map<ResourceKey, Object>> latest = new AtomicReference<>();
  private final AtomicLong writes = new AtomicLong();

  /** The resourceVersion of each object's last write, until the cache has caught up with it. */
  private final Map<ResourceKey, String> unobserved = new ConcurrentHashMap<>();

  /**
   * The set the last complete pass wrote, and in which term of leadership (executor thread only).
   * Every pass writes the newest set, and {@link #setLeader} queues one of its own; a pass finding
   * that set already written in the current term skips it. Writing it again would read every object
   * the first pass wrote from the server once more, since the cache lags behind those writes.
   */
  private Map<ResourceKey, Object> handled;

  private long handledTerm;

  /**
   * Each resource whose computed status was last found written, with that status and the version of
   * the object that showed it. While the cache still shows that version and the status computed is
   * equal, there is nothing to compare: a change at 10,000 routes submits 10,000 statuses, and
   * turning each cached object and status into JSON to merge and compare them cost far more than
   * the change itself. Written by the {@link #writers} of a pass.
   */
  private final Map<ResourceKey, Settled> settled = new ConcurrentHashMap<>();

  private record Settled(Object computed, String resourceVersion) {}

  /** Incremented on becoming the leader: the newest set is then written once more. */
  private final AtomicLong term = new AtomicLong();

  private volatile boolean leader;

  /**
   * @param cache objects as the informers see them, or {@link ObjectCache#NONE}
   * @param controllerName whose route parent entries are Archway's
   */
  public StatusWriter(
      KubernetesClient client, ObjectCache cache, Clock clock, String controllerName) {
    this.client = Objects.requireNonNull(client, "client");
    this.serialization = client.getKubernetesSerialization();
    this.cache = Objects.requireNonNull(cache, "cache");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.merge = new StatusMerge(controllerName);
    this.controllerName = controllerName;
    this.executor =
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("archway-status-writer").factory());
    this.writers =
        Executors.newFixedThreadPool(
            WRITERS, Thread.ofPlatform().daemon().name("archway-status-write-", 0).factory());
  }

  private final String controllerName;

  /**
   * Starts or stops writing. On becoming the leader, the statuses submitted last are written at
   * once (another replica may have written different ones meanwhile).
   */
  public void setLeader(boolean isLeader) {
    if (isLeader) {
      term.incrementAndGet();
    }
    leader = isLeader;
    if (isLeader) {
      schedule();
    }
  }

  /** Whether this writer currently writes. */
  public boolean isLeader() {
    return leader;
  }

  /** How many status updates were sent to the API server (for logs and tests). */
  public long writes() {
    return writes.get();
  }

  /**
   * Writes these statuses (a translation's, keyed by resource) in the background, if leader.
   *
   * @return completes when this set, or a newer one that replaced it, has been handled
   */
  public CompletableFuture<Void> submit(Map<ResourceKey, ?> statuses) {
    latest.set(new TreeMap<>(statuses));
    return schedule();
  }

  private CompletableFuture<Void> schedule() {
    return CompletableFuture.runAsync(this::writeLatest, executor);
  }

  private void writeLatest() {
    long currentTerm = term.get();
    Map<ResourceKey, Object> statuses = latest.get();
    if (statuses == null || !leader || (statuses == handled && currentTerm == handledTerm)) {
      return;
    }
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    int written = writeInParallel(statuses, now);
    if (written < 0) {
      return; // lost leadership, or a newer set is waiting: that one wins
    }
    settled.keySet().retainAll(statuses.keySet());
    written += removeStaleParents(statuses, now);
    handled = statuses;
    handledTerm = currentTerm;
    if (written > 0) {
      LOG.info("status written for {} resources", written);
    }
  }

  /**
   * Writes the set in {@link #WRITERS} contiguous parts at once. Most statuses need no request (the
   * memo, or the cached copy, shows them written), but a first pass over 10,000 routes makes one
   * request each, and one after the other they took 90 s on the test cluster.
   *
   * @return how many were written, or -1 if the pass was abandoned for a newer set or lost
   *     leadership
   */
  private int writeInParallel(Map<ResourceKey, Object> statuses, String now) {
    List<Map.Entry<ResourceKey, Object>> entries = new ArrayList<>(statuses.entrySet());
    int parts = Math.max(1, Math.min(WRITERS, entries.size() / MIN_PER_WRITER));
    List<Future<Integer>> results = new ArrayList<>();
    for (int part = 0; part < parts; part++) {
      List<Map.Entry<ResourceKey, Object>> slice =
          entries.subList(entries.size() * part / parts, entries.size() * (part + 1) / parts);
      results.add(writers.submit(() -> writeAll(slice, statuses, now)));
    }
    int written = 0;
    boolean abandoned = false;
    for (Future<Integer> result : results) {
      try {
        int n = result.get();
        abandoned |= n < 0;
        written += Math.max(0, n);
      } catch (ExecutionException e) {
        LOG.warn("writing statuses failed: {}", e.getCause().toString());
        abandoned = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return abandoned ? -1 : written;
  }

  private int writeAll(
      List<Map.Entry<ResourceKey, Object>> entries, Map<ResourceKey, Object> set, String now) {
    int written = 0;
    for (Map.Entry<ResourceKey, Object> e : entries) {
      if (!leader || latest.get() != set) {
        return -1;
      }
      written += write(e.getKey(), e.getValue(), now) ? 1 : 0;
    }
    return written;
  }

  /**
   * Routes and policies that carry a parent (ancestor) entry of Archway's but for which Archway no
   * longer computes a status (every parentRef to an Archway Gateway was removed): their entries are
   * dropped.
   */
  private int removeStaleParents(Map<ResourceKey, Object> statuses, String now) {
    int written = 0;
    for (WatchedKind kind : WatchedKind.ALL) {
      if (!kind.statusOwned()) {
        continue;
      }
      for (HasMetadata cached : cache.list(kind.kind())) {
        ResourceKey key =
            new ResourceKey(
                kind.kind(), cached.getMetadata().getNamespace(), cached.getMetadata().getName());
        if (!statuses.containsKey(key) && namesUs(statusOf(cached)) && leader) {
          written += write(key, null, now) ? 1 : 0;
        }
      }
    }
    return written;
  }

  private boolean namesUs(JsonNode status) {
    for (String shared : new String[] {"parents", "ancestors"}) {
      for (JsonNode entry : status.path(shared)) {
        if (controllerName.equals(entry.path("controllerName").asString(null))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Writes one status if it differs; returns whether it wrote.
   *
   * @param computed the status Archway computed, or null to drop Archway's route parent entries
   */
  private boolean write(ResourceKey key, Object computed, String now) {
    Optional<WatchedKind> kind = WatchedKind.byKind(key.kind());
    if (kind.isEmpty()) {
      LOG.warn("no status written for {}: not a watched kind", key);
      return false;
    }
    Optional<HasMetadata> cached = cache.get(key);
    String written = unobserved.get(key);
    if (written != null && cached.isPresent()) {
      if (written.equals(cached.get().getMetadata().getResourceVersion())) {
        unobserved.remove(key, written); // the cache shows the last write: trust it again
      } else {
        cached = Optional.empty(); // the cache may predate the last write: read the server's
      }
    }
    Settled before = settled.get(key);
    if (computed != null
        && before != null
        && cached.isPresent()
        && before.resourceVersion().equals(cached.get().getMetadata().getResourceVersion())
        && before.computed().equals(computed)) {
      return false;
    }
    ObjectNode desired = computed == null ? null : toTree(computed);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      HasMetadata current =
          attempt == 0 && cached.isPresent() ? cached.get() : read(key, kind.get());
      if (current == null) {
        return false; // deleted meanwhile
      }
      JsonNode existing = statusOf(current);
      ObjectNode merged = merge.merge(desired, existing, now);
      if (StatusMerge.same(merged, existing)) {
        settle(key, computed, current.getMetadata().getResourceVersion());
        return false;
      }
      if (!leader) {
        return false;
      }
      try {
        String resourceVersion = update(key, kind.get(), current, merged);
        if (resourceVersion != null) {
          unobserved.put(key, resourceVersion);
        } else {
          unobserved.remove(key);
        }
        settle(key, computed, resourceVersion);
        writes.incrementAndGet();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          LOG.debug("conflict writing the status of {}; reading it again", key);
          continue;
        }
        if (e.getCode() == 404) {
          return false;
        }
        LOG.warn("writing the status of {} failed: {}", key, e.getMessage());
        return false;
      }
    }
    LOG.warn("status of {} not written: still conflicting after {} attempts", key, ATTEMPTS);
    return false;
  }

  private void settle(ResourceKey key, Object computed, String resourceVersion) {
    if (computed != null && resourceVersion != null) {
      settled.put(key, new Settled(computed, resourceVersion));
    } else {
      settled.remove(key);
    }
  }

  private HasMetadata read(ResourceKey key, WatchedKind kind) {
    Resource<GenericKubernetesResource> resource = resource(key, kind);
    return resource.get();
  }

  /** Writes the status; returns the object's new resourceVersion (null if the reply had none). */
  private String update(ResourceKey key, WatchedKind kind, HasMetadata current, ObjectNode status) {
    GenericKubernetesResource generic =
        serialization.unmarshal(serialization.asJson(current), GenericKubernetesResource.class);
    // The object's resourceVersion stays: the update fails with 409 if someone wrote in between.
    generic.setAdditionalProperty("status", JSON.convertValue(status, Map.class));
    MixedOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> op =
        client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(kind.type()));
    GenericKubernetesResource updated =
        kind.namespaced()
            ? op.inNamespace(key.namespace()).resource(generic).updateStatus()
            : op.resource(generic).updateStatus();
    return updated == null || updated.getMetadata() == null
        ? null
        : updated.getMetadata().getResourceVersion();
  }

  private Resource<GenericKubernetesResource> resource(ResourceKey key, WatchedKind kind) {
    MixedOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> op =
        client.genericKubernetesResources(ResourceDefinitionContext.fromResourceType(kind.type()));
    return kind.namespaced()
        ? op.inNamespace(key.namespace()).withName(key.name())
        : op.withName(key.name());
  }

  /** The object's status as JSON (an empty object when it has none). */
  private JsonNode statusOf(HasMetadata resource) {
    JsonNode status = JSON.readTree(serialization.asJson(resource)).get("status");
    return status == null ? JSON.createObjectNode() : status;
  }

  /** A computed status object as JSON, parsed back so that numbers compare like the server's. */
  private ObjectNode toTree(Object status) {
    JsonNode tree = JSON.readTree(serialization.asJson(status));
    if (!tree.isObject()) {
      throw new IllegalArgumentException("status is not an object: " + tree);
    }
    return (ObjectNode) tree;
  }

  @Override
  public void close() {
    leader = false;
    executor.shutdownNow();
    writers.shutdownNow();
  }
}
