package dev.archway.infra;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O half of provisioning: makes the API server hold the desired {@link ProxyResources}, only
 * while this replica is the leader.
 *
 * <p>Each object is written with server-side apply under one field manager, forcing conflicts
 * (Archway owns these objects; a field someone else set that Archway does not is left alone, so an
 * HPA's or a user's additions survive). An object is applied again only when its desired form
 * changed, when this replica becomes the leader, or at every resync (which also repairs objects
 * deleted or edited behind Archway's back, since the controller does not watch Deployments).
 * Objects labelled as Archway's proxies ({@link ProxyModel#MANAGED}) that no Gateway wants any more
 * are deleted; when a Gateway itself is deleted, the garbage collector removes them first through
 * their owner references.
 *
 * <p>Work happens on one background thread ({@link LeaderWork}); only the newest desired set
 * matters.
 */
public final class InfraApplier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InfraApplier.class);

  private final KubernetesClient client;
  private final String fieldManager;
  private final LeaderWork<List<ProxyResources>> work;
  private final AtomicLong applies = new AtomicLong();

  // Only touched on the work's thread: what was applied, by kind/namespace/name.
  private final Map<String, HasMetadata> applied = new HashMap<>();

  /**
   * @param fieldManager the server-side apply field manager
   * @param resync how often everything is applied again regardless
   */
  public InfraApplier(KubernetesClient client, String fieldManager, Duration resync) {
    this.client = Objects.requireNonNull(client, "client");
    this.fieldManager = Objects.requireNonNull(fieldManager, "fieldManager");
    this.work = new LeaderWork<>("archway-infra-applier", resync, this::apply, applied::clear);
  }

  /** Starts or stops applying; on becoming the leader the newest desired set is applied. */
  public void setLeader(boolean leader) {
    work.setLeader(leader);
  }

  public boolean isLeader() {
    return work.isLeader();
  }

  /** Objects created or changed so far. */
  public long applies() {
    return applies.get();
  }

  /** The objects every Gateway should have now (replacing any set not yet applied). */
  public void submit(List<ProxyResources> desired) {
    work.submit(List.copyOf(desired));
  }

  /** Applies what changed and prunes what no Gateway wants; false if an apply failed. */
  private boolean apply(List<ProxyResources> desired) {
    boolean failed = false;
    Set<String> wanted = new HashSet<>();
    for (ProxyResources resources : desired) {
      for (HasMetadata object : resources.all()) {
        String key = key(object);
        wanted.add(key);
        if (object.equals(applied.get(key))) {
          continue;
        }
        try {
          client.resource(object).fieldManager(fieldManager).forceConflicts().serverSideApply();
          applied.put(key, object);
          applies.incrementAndGet();
          LOG.info("applied {}", key);
        } catch (KubernetesClientException e) {
          failed = true;
          applied.remove(key);
          LOG.warn("applying {} failed: {}", key, e.getMessage());
        }
      }
    }
    if (!failed) {
      prune(wanted);
    }
    applied.keySet().retainAll(wanted);
    return !failed;
  }

  /** Deletes Archway's proxy objects that no Gateway wants. */
  private void prune(Set<String> wanted) {
    try {
      List<HasMetadata> existing = new java.util.ArrayList<>();
      existing.addAll(
          client
              .apps()
              .deployments()
              .inAnyNamespace()
              .withLabels(ProxyModel.MANAGED)
              .list()
              .getItems());
      existing.addAll(
          client.services().inAnyNamespace().withLabels(ProxyModel.MANAGED).list().getItems());
      existing.addAll(
          client
              .serviceAccounts()
              .inAnyNamespace()
              .withLabels(ProxyModel.MANAGED)
              .list()
              .getItems());
      for (HasMetadata object : existing) {
        String key = key(object);
        if (!wanted.contains(key) && object.getMetadata().getDeletionTimestamp() == null) {
          client.resource(object).delete();
          LOG.info("deleted {}: no Gateway needs it", key);
        }
      }
    } catch (KubernetesClientException e) {
      LOG.warn("pruning proxy objects failed: {}", e.getMessage());
    }
  }

  private static String key(HasMetadata object) {
    String kind =
        switch (object) {
          case Deployment d -> "Deployment";
          case Service s -> "Service";
          case ServiceAccount a -> "ServiceAccount";
          default -> object.getKind();
        };
    return kind + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  @Override
  public void close() {
    work.close();
  }
}
