package dev.archway.dataplane.routing;

import dev.archway.ir.StringMatchType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Routes that may serve a request once its path has been looked up, in route (precedence) order,
 * searched for the first one that matches.
 *
 * <p>Routes often share one path and differ by a header: a tenant, a version, a canary flag. Tried
 * one by one, a thousand such routes cost a thousand header comparisons per request. So a run of
 * consecutive routes that each require an exact value of the same header is indexed by that value:
 * the request's value picks the few routes of the run that can match, and the others are skipped.
 * The result is the one a route-by-route search gives: the routes a run skips are exactly those
 * whose exact header condition fails.
 */
final class Candidates {
  static final Candidates NONE = new Candidates(List.of());

  /** Shorter runs are searched route by route: the index would not pay for its lookup. */
  static final int MIN_RUN = 8;

  private final CompiledRoute[] routes;

  /** The runs, in route order; none overlap. */
  private final HeaderRun[] runs;

  /**
   * Routes {@code [start, end)} of the list, each requiring an exact value of {@code header}.
   *
   * @param byValue for each required value, the positions (ascending) of the routes requiring it
   */
  private record HeaderRun(int start, int end, String header, Map<String, int[]> byValue) {}

  Candidates(List<CompiledRoute> routes) {
    this.routes = routes.toArray(new CompiledRoute[0]);
    this.runs = findRuns(this.routes);
  }

  CompiledRoute[] routes() {
    return routes;
  }

  boolean isEmpty() {
    return routes.length == 0;
  }

  /**
   * The first route that matches, or {@code best} when it comes earlier in route order than any
   * route here that matches (or none does).
   */
  CompiledRoute first(RouteRequest request, CompiledRoute best) {
    int nextRun = 0;
    int i = 0;
    while (i < routes.length) {
      CompiledRoute route = routes[i];
      if (best != null && route.rank() >= best.rank()) {
        return best; // every later candidate loses to what we already have
      }
      if (nextRun < runs.length && runs[nextRun].start() == i) {
        HeaderRun run = runs[nextRun++];
        CompiledRoute found = firstInRun(run, request);
        if (found != null) {
          return best != null && best.rank() < found.rank() ? best : found;
        }
        i = run.end();
        continue;
      }
      if (route.matches(request)) {
        return route;
      }
      i++;
    }
    return best;
  }

  private CompiledRoute firstInRun(HeaderRun run, RouteRequest request) {
    String value = request.header(run.header());
    int[] positions = value == null ? null : run.byValue().get(value);
    if (positions == null) {
      return null; // no route of the run accepts this value (or its absence)
    }
    for (int p : positions) {
      if (routes[p].matches(request)) {
        return routes[p];
      }
    }
    return null;
  }

  /** The header a route requires an exact value of (its first such condition), or null. */
  private static String dispatchHeader(CompiledRoute route) {
    for (StringCondition c : route.headers()) {
      if (c.type() == StringMatchType.EXACT) {
        return c.name().toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  private static String requiredValue(CompiledRoute route, String header) {
    for (StringCondition c : route.headers()) {
      if (c.type() == StringMatchType.EXACT && c.name().toLowerCase(Locale.ROOT).equals(header)) {
        return c.value();
      }
    }
    throw new IllegalStateException("no exact condition on " + header);
  }

  private static HeaderRun[] findRuns(CompiledRoute[] routes) {
    List<HeaderRun> runs = new ArrayList<>();
    int i = 0;
    while (i < routes.length) {
      String header = dispatchHeader(routes[i]);
      int end = i + 1;
      while (header != null && end < routes.length && header.equals(dispatchHeader(routes[end]))) {
        end++;
      }
      if (header != null && end - i >= MIN_RUN) {
        runs.add(new HeaderRun(i, end, header, positionsByValue(routes, i, end, header)));
      }
      i = end;
    }
    return runs.toArray(new HeaderRun[0]);
  }

  private static Map<String, int[]> positionsByValue(
      CompiledRoute[] routes, int start, int end, String header) {
    Map<String, List<Integer>> lists = new HashMap<>();
    for (int p = start; p < end; p++) {
      lists.computeIfAbsent(requiredValue(routes[p], header), v -> new ArrayList<>()).add(p);
    }
    Map<String, int[]> arrays = new HashMap<>();
    lists.forEach((v, ps) -> arrays.put(v, ps.stream().mapToInt(Integer::intValue).toArray()));
    return Map.copyOf(arrays);
  }
}
