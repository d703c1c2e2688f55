package dev.archway.translator;

import dev.archway.ir.WeightedBackend;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A TLSRoute, TCPRoute or UDPRoute attached to a listener, with what decides which one wins.
 *
 * @param name the IR name, {@code <kind>/<namespace>/<name>}
 * @param hostname for TLSRoutes, the SNI this entry serves (exact, wildcard or {@code *}); null for
 *     TCP and UDP
 * @param backends the route's backends
 * @param created the route's creationTimestamp, or null when unknown
 * @param namespacedName {@code namespace/name} of the route
 */
record L4RouteEntry(
    String name,
    String hostname,
    List<WeightedBackend> backends,
    Instant created,
    String namespacedName) {

  /** The most specific hostname first, then the oldest route, then by namespace/name. */
  static final Comparator<L4RouteEntry> PRECEDENCE =
      Comparator.comparing(
              (L4RouteEntry e) -> e.hostname() == null ? Hostnames.ANY : e.hostname(),
              Hostnames.SPECIFICITY)
          .thenComparing(L4RouteEntry::created, RouteEntry::compareCreated)
          .thenComparing(L4RouteEntry::namespacedName);
}
