package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.ir.HeaderMatch;
import dev.archway.ir.HttpMatch;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.PathMatch;
import dev.archway.ir.QueryParamMatch;
import dev.archway.ir.StringMatchType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteEntryTest {
  private static final Instant T1 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2024-01-02T00:00:00Z");

  private static RouteEntry entry(
      String id, String hostname, HttpMatch match, Instant created, String route, int rule) {
    return new RouteEntry(new HttpRoute(id, hostname, match, null, null), created, route, rule, 0);
  }

  private static HttpMatch path(PathMatch.Type type, String value) {
    return new HttpMatch(new PathMatch(type, value), null, null, null);
  }

  private static final HeaderMatch H = new HeaderMatch("x", StringMatchType.EXACT, "1");
  private static final QueryParamMatch Q = new QueryParamMatch("q", StringMatchType.EXACT, "1");

  @Test
  void sortsByEveryRuleOfTheSpecInOrder() {
    HttpMatch prefix = path(PathMatch.Type.PATH_PREFIX, "/p");
    List<RouteEntry> expected =
        List.of(
            entry("exact-host", "a.example.com", HttpMatch.ANY, null, "z/z", 0),
            entry("wildcard-host", "*.example.com", HttpMatch.ANY, null, "z/z", 0),
            entry("exact-path", "*", path(PathMatch.Type.EXACT, "/p"), null, "z/z", 0),
            entry(
                "long-prefix", "*", path(PathMatch.Type.PATH_PREFIX, "/p/longer"), null, "z/z", 0),
            entry("method", "*", new HttpMatch(prefix.path(), "GET", null, null), null, "z/z", 0),
            entry(
                "two-headers",
                "*",
                new HttpMatch(prefix.path(), null, List.of(H, H), null),
                null,
                "z/z",
                0),
            entry(
                "one-header-two-queries",
                "*",
                new HttpMatch(prefix.path(), null, List.of(H), List.of(Q, Q)),
                null,
                "z/z",
                0),
            entry(
                "one-header-one-query",
                "*",
                new HttpMatch(prefix.path(), null, List.of(H), List.of(Q)),
                null,
                "z/z",
                0),
            entry("older", "*", prefix, T1, "z/z", 0),
            entry("newer", "*", prefix, T2, "a/a", 0),
            entry("no-time-a", "*", prefix, null, "a/a", 0),
            entry("no-time-b-rule-0", "*", prefix, null, "b/b", 0),
            entry("no-time-b-rule-1", "*", prefix, null, "b/b", 1),
            entry("short-prefix", "*", path(PathMatch.Type.PATH_PREFIX, "/"), null, "a/a", 0),
            entry(
                "regex",
                "*",
                path(PathMatch.Type.REGULAR_EXPRESSION, "/p/very/long/.*"),
                null,
                "a/a",
                0));
    for (long seed = 0; seed < 20; seed++) {
      List<RouteEntry> shuffled = new ArrayList<>(expected);
      Collections.shuffle(shuffled, new Random(seed));
      shuffled.sort(RouteEntry.PRECEDENCE);
      assertThat(shuffled)
          .extracting(e -> e.route().name())
          .containsExactlyElementsOf(names(expected));
    }
  }

  private static List<String> names(List<RouteEntry> entries) {
    return entries.stream().map(e -> e.route().name()).toList();
  }
}
