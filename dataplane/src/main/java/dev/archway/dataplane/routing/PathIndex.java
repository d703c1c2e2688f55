package dev.archway.dataplane.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The routes of one hostname, indexed by path so that a lookup touches only routes whose path can
 * match: a hash map for Exact paths, a trie over path segments for PathPrefix, and a list of
 * regular expressions tried in order.
 *
 * <p>Each candidate list ({@link Candidates}) is in route order, and {@link #find} keeps the
 * lowest-ranked route that matches across all of them; since ranks follow the precedence order (see
 * {@link CompiledRoute}) that is exactly "the first route in list order that matches".
 *
 * <p>{@link #updated} makes the index of a changed list from the previous one: only the candidate
 * lists and trie nodes the removed and added routes touch are made again, the rest is shared.
 */
final class PathIndex {
  private final List<CompiledRoute> routes;
  private final Map<String, Candidates> exact;
  private final Node root;
  private final Candidates regex;

  /** A trie node: the routes whose prefix ends here, and the next segments. */
  private record Node(Candidates routes, Map<String, Node> children) {
    static final Node EMPTY = new Node(Candidates.NONE, Map.of());

    boolean isEmpty() {
      return routes.isEmpty() && children.isEmpty();
    }
  }

  /** A route to take out of or put into the trie, with the segments of its prefix. */
  private record Change(CompiledRoute route, boolean add, String[] segments) {}

  private static final Comparator<CompiledRoute> BY_RANK =
      Comparator.comparingLong(CompiledRoute::rank);

  /** Past this share of changed routes, an index is built afresh rather than updated. */
  private static final int MAX_UPDATED_SHARE = 4;

  private PathIndex(
      List<CompiledRoute> routes, Map<String, Candidates> exact, Node root, Candidates regex) {
    this.routes = routes;
    this.exact = exact;
    this.root = root;
    this.regex = regex;
  }

  PathIndex(List<CompiledRoute> routes) {
    this.routes = List.copyOf(routes);
    Map<String, List<CompiledRoute>> exactLists = new HashMap<>();
    MutableNode trie = new MutableNode();
    List<CompiledRoute> regexList = new ArrayList<>();
    for (CompiledRoute route : routes) {
      switch (route.pathType()) {
        case EXACT ->
            exactLists.computeIfAbsent(route.pathValue(), k -> new ArrayList<>()).add(route);
        case PATH_PREFIX -> trie.descend(route.pathValue()).routes.add(route);
        case REGULAR_EXPRESSION -> regexList.add(route);
      }
    }
    Map<String, Candidates> exactCandidates = new HashMap<>();
    exactLists.forEach((path, list) -> exactCandidates.put(path, new Candidates(list)));
    this.exact = Map.copyOf(exactCandidates);
    this.root = trie.freeze();
    this.regex = new Candidates(regexList);
  }

  List<CompiledRoute> routes() {
    return routes;
  }

  /**
   * The index of {@code routes}, which are this index's routes without {@code removed} and with
   * {@code added}, all ranked as before (see {@link Ranks}).
   */
  PathIndex updated(
      List<CompiledRoute> routes, List<CompiledRoute> removed, List<CompiledRoute> added) {
    if (removed.isEmpty() && added.isEmpty()) {
      return this; // the same routes, in the same order
    }
    if ((removed.size() + added.size()) * MAX_UPDATED_SHARE > routes.size()) {
      return new PathIndex(routes);
    }
    Map<String, List<CompiledRoute>> exactRemoved = new HashMap<>();
    Map<String, List<CompiledRoute>> exactAdded = new HashMap<>();
    List<Change> trieChanges = new ArrayList<>();
    List<CompiledRoute> regexRemoved = new ArrayList<>();
    List<CompiledRoute> regexAdded = new ArrayList<>();
    for (CompiledRoute r : removed) {
      switch (r.pathType()) {
        case EXACT -> exactRemoved.computeIfAbsent(r.pathValue(), k -> new ArrayList<>()).add(r);
        case PATH_PREFIX -> trieChanges.add(new Change(r, false, segments(r.pathValue())));
        case REGULAR_EXPRESSION -> regexRemoved.add(r);
      }
    }
    for (CompiledRoute r : added) {
      switch (r.pathType()) {
        case EXACT -> exactAdded.computeIfAbsent(r.pathValue(), k -> new ArrayList<>()).add(r);
        case PATH_PREFIX -> trieChanges.add(new Change(r, true, segments(r.pathValue())));
        case REGULAR_EXPRESSION -> regexAdded.add(r);
      }
    }
    Map<String, Candidates> newExact = exact;
    if (!exactRemoved.isEmpty() || !exactAdded.isEmpty()) {
      Map<String, Candidates> copy = new HashMap<>(exact);
      List<String> paths = new ArrayList<>(exactRemoved.keySet());
      paths.addAll(exactAdded.keySet());
      for (String path : paths) {
        Candidates now =
            changed(
                exact.getOrDefault(path, Candidates.NONE),
                exactRemoved.getOrDefault(path, List.of()),
                exactAdded.getOrDefault(path, List.of()));
        if (now.isEmpty()) {
          copy.remove(path);
        } else {
          copy.put(path, now);
        }
      }
      newExact = copy;
    }
    Node newRoot = trieChanges.isEmpty() ? root : apply(root, trieChanges, 0);
    Candidates newRegex =
        regexRemoved.isEmpty() && regexAdded.isEmpty()
            ? regex
            : changed(regex, regexRemoved, regexAdded);
    return new PathIndex(List.copyOf(routes), newExact, newRoot, newRegex);
  }

  /** {@code node} with the changes whose prefixes pass through it made, sharing the rest. */
  private static Node apply(Node node, List<Change> changes, int depth) {
    List<CompiledRoute> removedHere = new ArrayList<>();
    List<CompiledRoute> addedHere = new ArrayList<>();
    Map<String, List<Change>> below = new HashMap<>();
    for (Change c : changes) {
      if (c.segments().length == depth) {
        (c.add() ? addedHere : removedHere).add(c.route());
      } else {
        below.computeIfAbsent(c.segments()[depth], k -> new ArrayList<>()).add(c);
      }
    }
    Candidates routes =
        removedHere.isEmpty() && addedHere.isEmpty()
            ? node.routes()
            : changed(node.routes(), removedHere, addedHere);
    if (below.isEmpty()) {
      return new Node(routes, node.children());
    }
    Map<String, Node> children = new HashMap<>(node.children());
    below.forEach(
        (segment, further) -> {
          Node child = apply(node.children().getOrDefault(segment, Node.EMPTY), further, depth + 1);
          if (child.isEmpty()) {
            children.remove(segment);
          } else {
            children.put(segment, child);
          }
        });
    return new Node(routes, children);
  }

  /** A candidate list without {@code removed} (by identity) and with {@code added}, by rank. */
  private static Candidates changed(
      Candidates before, List<CompiledRoute> removed, List<CompiledRoute> added) {
    // A set, not a scan of the list: one node may hold thousands of routes (all on /api, told
    // apart by a header) and a change may remove hundreds of them.
    Set<CompiledRoute> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    gone.addAll(removed);
    List<CompiledRoute> routes = new ArrayList<>(before.routes().length + added.size());
    for (CompiledRoute r : before.routes()) {
      if (!gone.contains(r)) {
        routes.add(r);
      }
    }
    routes.addAll(added);
    routes.sort(BY_RANK);
    return routes.isEmpty() ? Candidates.NONE : new Candidates(routes);
  }

  /** The segments of a stripped prefix such as {@code /a/b}; none for the root ({@code ""}). */
  private static String[] segments(String prefix) {
    return prefix.isEmpty() ? new String[0] : prefix.substring(1).split("/", -1);
  }

  /** The first route in list order that matches, or null. */
  CompiledRoute find(RouteRequest request) {
    String path = request.path();
    CompiledRoute best = exact.getOrDefault(path, Candidates.NONE).first(request, null);
    Node node = root;
    best = node.routes.first(request, best);
    int start = 1; // skip the leading '/'
    while (start <= path.length()) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      node = node.children.get(path.substring(start, end));
      if (node == null) {
        break;
      }
      best = node.routes.first(request, best);
      if (slash < 0) {
        break;
      }
      start = slash + 1;
    }
    return regex.first(request, best);
  }

  /**
   * The index for {@link RouteTable#dump()}: one line per exact path, prefix and the regexes, each
   * route named by its position in the virtual host's list.
   */
  List<String> describe(Map<CompiledRoute, Integer> positions) {
    List<String> lines = new ArrayList<>();
    new TreeMap<>(exact)
        .forEach((path, list) -> lines.add("exact " + path + " -> " + ids(list, positions)));
    describe(root, "", lines, positions);
    if (!regex.isEmpty()) {
      lines.add("regex -> " + ids(regex, positions));
    }
    return lines;
  }

  private static void describe(
      Node node, String prefix, List<String> lines, Map<CompiledRoute, Integer> positions) {
    if (!node.routes.isEmpty()) {
      lines.add(
          "prefix " + (prefix.isEmpty() ? "/" : prefix) + " -> " + ids(node.routes, positions));
    }
    new TreeMap<>(node.children)
        .forEach((segment, child) -> describe(child, prefix + "/" + segment, lines, positions));
  }

  private static String ids(Candidates candidates, Map<CompiledRoute, Integer> positions) {
    StringBuilder sb = new StringBuilder();
    for (CompiledRoute r : candidates.routes()) {
      sb.append(sb.isEmpty() ? "" : " ").append('#').append(positions.get(r));
    }
    return sb.toString();
  }

  private static final class MutableNode {
    final List<CompiledRoute> routes = new ArrayList<>();
    final Map<String, MutableNode> children = new HashMap<>();

    /** The node for a stripped prefix such as {@code /a/b} ("" is the root). */
    MutableNode descend(String prefix) {
      MutableNode node = this;
      for (String segment : segments(prefix)) {
        node = node.children.computeIfAbsent(segment, k -> new MutableNode());
      }
      return node;
    }

    Node freeze() {
      Map<String, Node> frozen = new HashMap<>();
      children.forEach((segment, child) -> frozen.put(segment, child.freeze()));
      return new Node(
          routes.isEmpty() ? Candidates.NONE : new Candidates(routes), Map.copyOf(frozen));
    }
  }
}
