package dev.archway.provider.kubernetes;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import java.time.Duration;
import java.util.Set;

/**
 * One snapshot published by the Kubernetes provider.
 *
 * @param snapshot every watched resource, normalized
 * @param changed the resources added, changed or deleted since the previous update (empty for the
 *     first one)
 * @param initial whether this is the first snapshot, published once every informer has synced
 * @param endpointsOnly whether only EndpointSlices changed: routes, listeners and statuses cannot
 *     have changed, only the endpoints of destinations
 * @param firstChangeNanos {@link System#nanoTime()} when the first change of this burst was seen
 */
public record SnapshotUpdate(
    ResourceSnapshot snapshot,
    Set<ResourceKey> changed,
    boolean initial,
    boolean endpointsOnly,
    long firstChangeNanos) {
  public SnapshotUpdate {
    changed = Set.copyOf(changed);
  }

  /** Time since the first change of this burst was seen by an informer. */
  public Duration sinceFirstChange() {
    return Duration.ofNanos(System.nanoTime() - firstChangeNanos);
  }
}
