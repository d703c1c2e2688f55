package dev.archway.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.ir.PathMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ranks increase along the list; a route kept keeps its rank unless all are ranked again. */
class RanksTest {
  private static CompiledRoute unranked() {
    return new CompiledRoute(
        0, "r", "*", PathMatch.Type.PATH_PREFIX, "/", null, List.of(), List.of(), null, null, null);
  }

  @Test
  void freshRoutesFitBetweenKeptOnesUntilAGapIsUsedUp() {
    Random random = new Random(3);
    List<CompiledRoute> list = new ArrayList<>();
    List<Boolean> fresh = new ArrayList<>();
    int rankedAgain = 0;
    for (int step = 0; step < 2000; step++) {
      // Most insertions at one spot, so that its gap runs out now and then.
      int at = random.nextInt(3) == 0 ? random.nextInt(list.size() + 1) : Math.min(2, list.size());
      list.add(at, unranked());
      fresh.add(at, true);
      if (random.nextInt(4) == 0 && list.size() > 1) {
        int gone = random.nextInt(list.size());
        list.remove(gone);
        fresh.remove(gone);
      }
      CompiledRoute[] routes = list.toArray(new CompiledRoute[0]);
      boolean[] isFresh = new boolean[routes.length];
      for (int i = 0; i < routes.length; i++) {
        isFresh[i] = fresh.get(i);
      }
      CompiledRoute[] before = routes.clone();

      boolean again = Ranks.assign(routes, isFresh);

      rankedAgain += again ? 1 : 0;
      for (int i = 1; i < routes.length; i++) {
        assertThat(routes[i].rank()).as("step %d", step).isGreaterThan(routes[i - 1].rank());
      }
      for (int i = 0; i < routes.length; i++) {
        if (!again && !isFresh[i]) {
          assertThat(routes[i]).as("step %d: a kept route", step).isSameAs(before[i]);
        }
        list.set(i, routes[i]);
        fresh.set(i, false);
      }
    }
    // A gap was used up now and then, but most changes kept the ranks.
    assertThat(rankedAgain).isBetween(1, 200);
  }
}
