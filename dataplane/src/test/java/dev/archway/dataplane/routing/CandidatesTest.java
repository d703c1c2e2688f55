package dev.archway.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.ir.PathMatch;
import dev.archway.ir.StringMatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link Candidates#first} finds what trying every route in order finds, whether or not runs of
 * exact header conditions are indexed: checked on random route lists (tenants sharing a path, with
 * header names in mixed case, duplicate values, regular expressions, methods and unrelated routes
 * between the runs) against random requests.
 */
class CandidatesTest {
  private static final String[] HEADERS = {"x-tenant", "X-Tenant", "x-version"};
  private static final String[] VALUES = {"a", "b", "c", "d", "A", "a,b", ""};
  private static final String[] METHODS = {null, null, null, "GET", "POST"};

  @Test
  void indexedRunsFindWhatARouteByRouteSearchFinds() {
    Random random = new Random(20261129);
    int indexedLists = 0;
    for (int trial = 0; trial < 400; trial++) {
      List<CompiledRoute> routes = randomRoutes(random);
      Candidates candidates = new Candidates(routes);
      indexedLists += hasRun(routes) ? 1 : 0;
      for (int q = 0; q < 50; q++) {
        RouteRequest request = randomRequest(random);
        CompiledRoute expected = routeByRoute(routes, request);
        assertThat(candidates.first(request, null)).isSameAs(expected);

        // With a better (earlier) or worse (later) route already found elsewhere.
        // (Ranks are unique in an index: the lists use even ones, this route an odd one.)
        CompiledRoute best = route(2 * random.nextInt(routes.size() + 2) - 1, null, List.of());
        CompiledRoute expectedWithBest =
            expected == null || best.rank() < expected.rank() ? best : expected;
        assertThat(candidates.first(request, best)).isSameAs(expectedWithBest);
      }
    }
    // The trials exercised the index, not only the plain search.
    assertThat(indexedLists).isGreaterThan(100);
  }

  @Test
  void aRunOfTenantsIsSearchedByValue() {
    List<CompiledRoute> routes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      routes.add(route(2 * i, null, List.of(exact("x-tenant", "t" + i))));
    }
    routes.add(route(40, null, List.of()));
    Candidates candidates = new Candidates(routes);

    assertThat(candidates.first(request("GET", Map.of("X-Tenant", List.of("t7"))), null).rank())
        .isEqualTo(14);
    assertThat(candidates.first(request("GET", Map.of("x-tenant", List.of("T7"))), null).rank())
        .as("values are compared exactly")
        .isEqualTo(40);
    assertThat(candidates.first(request("GET", Map.of()), null).rank()).isEqualTo(40);
    assertThat(candidates.first(request("GET", Map.of("x-tenant", List.of("t1", "t2"))), null))
        .as("several values are joined with commas, and match none of them")
        .extracting(CompiledRoute::rank)
        .isEqualTo(40L);
  }

  private static boolean hasRun(List<CompiledRoute> routes) {
    int run = 0;
    String header = null;
    for (CompiledRoute r : routes) {
      String h =
          r.headers().stream()
              .filter(c -> c.type() == StringMatchType.EXACT)
              .map(c -> c.name().toLowerCase())
              .findFirst()
              .orElse(null);
      run = h != null && h.equals(header) ? run + 1 : 1;
      header = h;
      if (h != null && run >= Candidates.MIN_RUN) {
        return true;
      }
    }
    return false;
  }

  private static CompiledRoute routeByRoute(List<CompiledRoute> routes, RouteRequest request) {
    for (CompiledRoute r : routes) {
      if (r.matches(request)) {
        return r;
      }
    }
    return null;
  }

  private static List<CompiledRoute> randomRoutes(Random random) {
    List<CompiledRoute> routes = new ArrayList<>();
    int size = random.nextInt(40);
    String runHeader = HEADERS[random.nextInt(HEADERS.length)];
    for (int i = 0; i < size; i++) {
      List<StringCondition> headers = new ArrayList<>();
      int kind = random.nextInt(10);
      if (kind < 7) {
        // Mostly the same header, as tenant routes are; sometimes in other case.
        String name = random.nextInt(5) == 0 ? runHeader.toUpperCase() : runHeader;
        headers.add(exact(name, VALUES[random.nextInt(VALUES.length)]));
        if (random.nextInt(4) == 0) {
          headers.add(exact("x-other", VALUES[random.nextInt(VALUES.length)]));
        }
      } else if (kind == 7) {
        headers.add(StringCondition.of(runHeader, StringMatchType.REGULAR_EXPRESSION, "[ab]"));
      } else if (kind == 8) {
        headers.add(exact(HEADERS[random.nextInt(HEADERS.length)], "a"));
      }
      routes.add(route(2 * i, METHODS[random.nextInt(METHODS.length)], headers));
    }
    return routes;
  }

  private static RouteRequest randomRequest(Random random) {
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String name : new String[] {"x-tenant", "x-version", "x-other"}) {
      int values = random.nextInt(4) == 0 ? 0 : 1 + (random.nextInt(6) == 0 ? 1 : 0);
      List<String> list = new ArrayList<>();
      for (int v = 0; v < values; v++) {
        list.add(VALUES[random.nextInt(VALUES.length)]);
      }
      if (!list.isEmpty()) {
        headers.put(name, list);
      }
    }
    return request(random.nextBoolean() ? "GET" : "POST", headers);
  }

  private static RouteRequest request(String method, Map<String, List<String>> headers) {
    Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    byName.putAll(headers);
    return new RouteRequest(
        "example.com",
        RequestTarget.parse("/api/items"),
        method,
        name -> byName.getOrDefault(name, List.of()));
  }

  private static StringCondition exact(String name, String value) {
    return StringCondition.of(name, StringMatchType.EXACT, value);
  }

  /** A route on PathPrefix /api; filters, backends and options play no part in matching. */
  private static CompiledRoute route(int rank, String method, List<StringCondition> headers) {
    return new CompiledRoute(
        rank,
        "route-" + rank,
        "*",
        PathMatch.Type.PATH_PREFIX,
        "/api",
        method,
        headers,
        List.of(),
        null,
        null,
        null);
  }
}
