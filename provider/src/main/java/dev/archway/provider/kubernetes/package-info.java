/**
 * The Kubernetes provider: watches an API server with fabric8 informers and publishes one {@link
 * dev.archway.api.snapshot.ResourceSnapshot} per burst of changes, writes the statuses Archway owns
 * back to the {@code /status} subresource, and elects one leader among controller replicas so that
 * only one of them writes.
 *
 * <ul>
 *   <li>{@link dev.archway.provider.kubernetes.WatchedKind}: the table of kinds watched; adding a
 *       kind is one line.
 *   <li>{@link dev.archway.provider.kubernetes.KubernetesProvider}: informers, normalization,
 *       initial sync, debounce, and the endpoint-only classification used by the fast path.
 *   <li>{@link dev.archway.provider.kubernetes.NamedWatches}: the Secrets and ConfigMaps a
 *       translation references, each watched by name.
 *   <li>{@link dev.archway.provider.kubernetes.StatusWriter}: compare-then-write of statuses, with
 *       condition times stamped and other controllers' entries kept.
 *   <li>{@link dev.archway.provider.kubernetes.LeaderElection}: a {@code coordination.k8s.io}
 *       Lease; the status writer writes only while it is held.
 * </ul>
 */
package dev.archway.provider.kubernetes;
