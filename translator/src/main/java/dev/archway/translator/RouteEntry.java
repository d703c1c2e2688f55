package dev.archway.translator;

import dev.archway.ir.HttpRoute;
import dev.archway.ir.PathMatch;
import java.time.Instant;
import java.util.Comparator;

/**
 * One IR route together with what decides its precedence among the routes of a virtual host.
 *
 * @param route the IR route
 * @param created the HTTPRoute's creationTimestamp, or null when unknown
 * @param namespacedName {@code namespace/name} of the HTTPRoute
 * @param rule the rule index
 * @param match the match index within the rule
 */
record RouteEntry(HttpRoute route, Instant created, String namespacedName, int rule, int match) {

  /**
   * The spec's precedence (apis/v1/httproute_types.go, HTTPRouteRule): the most specific hostname;
   * then an Exact path, then the longest PathPrefix, then RegularExpression; then a method match;
   * then more header matches; then more query param matches; then the older route (missing
   * timestamps last); then {@code namespace/name}; then rule and match order.
   */
  static final Comparator<RouteEntry> PRECEDENCE =
      Comparator.comparing((RouteEntry e) -> e.route().hostname(), Hostnames.SPECIFICITY)
          .thenComparingInt(e -> pathRank(e.route().match().path()))
          .thenComparing(
              Comparator.comparingInt((RouteEntry e) -> pathLength(e.route().match().path()))
                  .reversed())
          .thenComparingInt(e -> e.route().match().method() == null ? 1 : 0)
          .thenComparing(
              Comparator.comparingInt((RouteEntry e) -> e.route().match().headers().size())
                  .reversed())
          .thenComparing(
              Comparator.comparingInt((RouteEntry e) -> e.route().match().queryParams().size())
                  .reversed())
          .thenComparing(RouteEntry::created, RouteEntry::compareCreated)
          .thenComparing(RouteEntry::namespacedName)
          .thenComparingInt(RouteEntry::rule)
          .thenComparingInt(RouteEntry::match);

  private static int pathRank(PathMatch path) {
    return switch (path.type()) {
      case EXACT -> 0;
      case PATH_PREFIX -> 1;
      case REGULAR_EXPRESSION -> 2;
    };
  }

  /** Longer Exact and PathPrefix values first; regular expressions are not ordered by length. */
  private static int pathLength(PathMatch path) {
    return path.type() == PathMatch.Type.REGULAR_EXPRESSION ? 0 : path.value().length();
  }

  /**
   * Older first. Two missing timestamps compare equal; a missing one sorts after a present one (as
   * if just created), which keeps the order total.
   */
  static int compareCreated(Instant a, Instant b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return a.compareTo(b);
  }
}
