package dev.archway.translator;

import dev.archway.ir.HttpMatch;
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
   * timestamps last); then {@code namespace/name}; then rule and match order; then an HTTPRoute
   * before a GRPCRoute.
   */
  static final Comparator<RouteEntry> PRECEDENCE = RouteEntry::compare;

  /**
   * {@link #PRECEDENCE} written out rather than composed from {@code Comparator.comparing}: a
   * listener with 10,000 routes sorts about 40,000 entries, and the composed form boxes keys and
   * walks a chain of lambdas on each of the half million comparisons.
   */
  private static int compare(RouteEntry a, RouteEntry b) {
    HttpRoute ra = a.route();
    HttpRoute rb = b.route();
    int c = Hostnames.SPECIFICITY.compare(ra.hostname(), rb.hostname());
    if (c != 0) {
      return c;
    }
    HttpMatch ma = ra.match();
    HttpMatch mb = rb.match();
    c = Integer.compare(pathRank(ma.path()), pathRank(mb.path()));
    if (c != 0) {
      return c;
    }
    c = Integer.compare(pathLength(mb.path()), pathLength(ma.path()));
    if (c != 0) {
      return c;
    }
    c = Integer.compare(ma.method() == null ? 1 : 0, mb.method() == null ? 1 : 0);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(mb.headers().size(), ma.headers().size());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(mb.queryParams().size(), ma.queryParams().size());
    if (c != 0) {
      return c;
    }
    c = compareCreated(a.created(), b.created());
    if (c != 0) {
      return c;
    }
    c = a.namespacedName().compareTo(b.namespacedName());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.rule(), b.rule());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(a.match(), b.match());
    // An HTTPRoute before a GRPCRoute of the same namespace/name (the order they were always
    // added in), so that entries that still tie are copies of one IR route and any order of the
    // input sorts the same (PrecedenceOrder relies on it).
    return c != 0 ? c : Boolean.compare(isGrpc(a), isGrpc(b));
  }

  private static boolean isGrpc(RouteEntry e) {
    return e.route().name().startsWith("grpcroute/");
  }

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
