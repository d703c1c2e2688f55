package dev.archway.dataplane.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The routes of one hostname, indexed by path so that a lookup touches only routes whose path can
 * match: a hash map for Exact paths, a trie over path segments for PathPrefix, and a list of
 * regular expressions tried in order.
 *
 * <p>Each candidate list ({@link Candidates}) is in route order, and {@link #find} keeps the
 * lowest-index route that matches across all of them; since the routes are in precedence order (see
 * {@link CompiledRoute}) that is exactly "the first route in list order that matches".
 */
final class PathIndex {
  private final List<CompiledRoute> routes;
  private final Map<String, Candidates> exact;
  private final Node root;
  private final Candidates regex;

  /** A trie node: the routes whose prefix ends here, and the next segments. */
  private record Node(Candidates routes, Map<String, Node> children) {}

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

  /** The index for {@link RouteTable#dump()}: one line per exact path, prefix and the regexes. */
  List<String> describe() {
    List<String> lines = new ArrayList<>();
    new TreeMap<>(exact).forEach((path, list) -> lines.add("exact " + path + " -> " + ids(list)));
    describe(root, "", lines);
    if (!regex.isEmpty()) {
      lines.add("regex -> " + ids(regex));
    }
    return lines;
  }

  private static void describe(Node node, String prefix, List<String> lines) {
    if (!node.routes.isEmpty()) {
      lines.add("prefix " + (prefix.isEmpty() ? "/" : prefix) + " -> " + ids(node.routes));
    }
    new TreeMap<>(node.children)
        .forEach((segment, child) -> describe(child, prefix + "/" + segment, lines));
  }

  private static String ids(Candidates candidates) {
    StringBuilder sb = new StringBuilder();
    for (CompiledRoute r : candidates.routes()) {
      sb.append(sb.isEmpty() ? "" : " ").append('#').append(r.index());
    }
    return sb.toString();
  }

  private static final class MutableNode {
    final List<CompiledRoute> routes = new ArrayList<>();
    final Map<String, MutableNode> children = new HashMap<>();

    /** The node for a stripped prefix such as {@code /a/b} ("" is the root). */
    MutableNode descend(String prefix) {
      MutableNode node = this;
      if (prefix.isEmpty()) {
        return node;
      }
      for (String segment : prefix.substring(1).split("/", -1)) {
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
