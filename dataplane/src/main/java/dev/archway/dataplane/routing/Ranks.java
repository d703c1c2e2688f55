package dev.archway.dataplane.routing;

/**
 * Gives the routes of a virtual host ranks that increase along its list, keeping the ranks that
 * reused routes already have.
 *
 * <p>Why not positions: a route inserted at the front of 10,000 would shift the position of every
 * other, so each of them would be copied with its new position and every path index built again on
 * each change. With ranks spaced {@link #SPACING} apart, a new route takes a rank in the gap
 * between its neighbours and the others keep theirs. Only when a gap is used up (dozens of
 * insertions at one spot) are all routes ranked again.
 */
final class Ranks {
  /** The distance between the ranks of neighbours when routes are ranked from scratch. */
  static final long SPACING = 1L << 32;

  private Ranks() {}

  /**
   * Ranks {@code routes} in place: a route with {@code fresh[i]} set takes a new rank between its
   * neighbours'; the others keep theirs if those increase along the list. Returns whether every
   * route was ranked again from scratch instead (ranks out of order, or no room in a gap).
   */
  static boolean assign(CompiledRoute[] routes, boolean[] fresh) {
    if (!tryKeep(routes, fresh)) {
      for (int i = 0; i < routes.length; i++) {
        routes[i] = routes[i].at(i * SPACING);
      }
      return true;
    }
    return false;
  }

  private static boolean tryKeep(CompiledRoute[] routes, boolean[] fresh) {
    long below = Long.MIN_VALUE; // the rank of the last route placed
    boolean anyPlaced = false;
    int i = 0;
    while (i < routes.length) {
      if (!fresh[i]) {
        long rank = routes[i].rank();
        if (anyPlaced && rank <= below) {
          return false;
        }
        below = rank;
        anyPlaced = true;
        i++;
        continue;
      }
      // A run of fresh routes [i, end), placed between below and the next kept rank.
      int end = i;
      while (end < routes.length && fresh[end]) {
        end++;
      }
      int count = end - i;
      long low;
      long high;
      if (end < routes.length) {
        high = routes[end].rank();
        low = anyPlaced ? below : high - (count + 1) * SPACING;
      } else {
        low = anyPlaced ? below : -SPACING;
        high = low + (count + 1) * SPACING;
      }
      if (overflows(low, high, count)) {
        return false;
      }
      long step = (high - low) / (count + 1);
      if (step < 1) {
        return false;
      }
      for (int k = 0; k < count; k++) {
        routes[i + k] = routes[i + k].at(low + (k + 1) * step);
      }
      below = routes[end - 1].rank();
      anyPlaced = true;
      i = end;
    }
    return true;
  }

  /** Whether the gap's bounds were computed past the range of a long. */
  private static boolean overflows(long low, long high, int count) {
    long room = (count + 1) * SPACING;
    return high < low
        || high - low < 0
        || Math.abs(low) > Long.MAX_VALUE / 2 - room
        || Math.abs(high) > Long.MAX_VALUE / 2 - room;
  }
}
