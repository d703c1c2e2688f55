package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.ir.HttpMatch;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.PathMatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sorting from the previous order gives what sorting from scratch gives, whatever that order. */
class PrecedenceOrderTest {
  private static final String[] HOSTS = {"*", "a.example.com", "*.example.com"};
  private static final String[] PATHS = {"/", "/a", "/a/b", "/c"};

  /**
   * An entry as translations make them: what a rule's match compiles to and the route's creation
   * time follow from its kind, namespace/name, rule and match; its hostname is one of those it
   * attaches with.
   */
  private static RouteEntry randomEntry(Random random) {
    String kind = random.nextInt(4) == 0 ? "grpcroute" : "httproute";
    int route = random.nextInt(5);
    int rule = random.nextInt(3);
    int match = random.nextInt(2);
    String namespacedName = "ns/route-" + route;
    int key = route + 5 * (rule + 3 * match); // a GRPCRoute may compile to what an HTTPRoute does
    HttpMatch compiled =
        new HttpMatch(
            new PathMatch(
                key % 2 == 0 ? PathMatch.Type.EXACT : PathMatch.Type.PATH_PREFIX,
                PATHS[key / 2 % PATHS.length]),
            key % 3 == 0 ? "GET" : null,
            null,
            null);
    String name = kind + "/" + namespacedName + "/rule/" + rule + "/match/" + match;
    HttpRoute ir = new HttpRoute(name, HOSTS[random.nextInt(HOSTS.length)], compiled, null, null);
    Instant created = route == 0 ? null : Instant.ofEpochSecond(route % 3);
    return new RouteEntry(ir, created, namespacedName, rule, match);
  }

  private static RouteEntry[] fromScratch(List<RouteEntry> entries) {
    RouteEntry[] sorted = entries.toArray(new RouteEntry[0]);
    Arrays.sort(sorted, RouteEntry.PRECEDENCE);
    return sorted;
  }

  @Test
  void anyPreviousOrderGivesTheSameResultAsSortingFromScratch() {
    Random random = new Random(11);
    for (int round = 0; round < 500; round++) {
      List<RouteEntry> pool = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(60); i++) {
        pool.add(randomEntry(random));
      }
      // Now: some of the pool, some objects twice. Before: other entries of the pool, shuffled.
      List<RouteEntry> now = new ArrayList<>();
      for (RouteEntry e : pool) {
        if (random.nextInt(4) > 0) {
          now.add(e);
          if (random.nextInt(10) == 0) {
            now.add(e);
          }
        }
      }
      Collections.shuffle(now, random);
      List<RouteEntry> before = new ArrayList<>(pool.subList(0, random.nextInt(pool.size() + 1)));
      Collections.shuffle(before, random);
      if (random.nextBoolean()) {
        before = List.of(fromScratch(before));
      }

      RouteEntry[] sorted = PrecedenceOrder.sort(now, before.toArray(new RouteEntry[0]));

      assertThat(sorted).containsExactly(fromScratch(now));
      assertThat(PrecedenceOrder.sort(now, null)).containsExactly(fromScratch(now));
    }
  }

  @Test
  void eachObjectIsKeptAsOftenAsItIsGiven() {
    Random random = new Random(3);
    RouteEntry a = randomEntry(random);
    RouteEntry b = randomEntry(random);
    RouteEntry c = randomEntry(random);

    RouteEntry[] sorted = PrecedenceOrder.sort(List.of(a, b, a), new RouteEntry[] {c, a, b});

    assertThat(sorted).hasSize(3).containsExactlyInAnyOrder(a, a, b);
  }

  /**
   * The memo's way: the previous order without the entries that went, the new entries inserted; the
   * same as sorting what remains from scratch.
   */
  @Test
  void removingAndInsertingGivesWhatSortingFromScratchGives() {
    Random random = new Random(5);
    for (int round = 0; round < 500; round++) {
      List<RouteEntry> kept = new ArrayList<>();
      List<RouteEntry> gone = new ArrayList<>();
      for (int i = random.nextInt(60); i > 0; i--) {
        RouteEntry e = randomEntry(random);
        (random.nextInt(5) == 0 ? gone : kept).add(e);
      }
      List<RouteEntry> added = new ArrayList<>();
      for (int i = random.nextInt(6); i > 0; i--) {
        added.add(randomEntry(random));
      }
      List<RouteEntry> previous = new ArrayList<>(kept);
      previous.addAll(gone);
      List<RouteEntry> now = new ArrayList<>(kept);
      now.addAll(added);

      RouteEntry[] updated =
          PrecedenceOrder.insert(PrecedenceOrder.without(fromScratch(previous), gone), added);

      assertThat(updated).as("round %d", round).containsExactly(fromScratch(now));
    }
  }
}
