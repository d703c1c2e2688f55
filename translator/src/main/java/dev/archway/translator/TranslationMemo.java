package dev.archway.translator;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.ir.Destination;
import dev.archway.ir.UpstreamTls;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one translation learned about each HTTPRoute, kept for the next translation of the same
 * pipeline so that an unchanged route is not compiled and attached again.
 *
 * <p>With 10,000 routes, a file change that touches one of them used to translate all of them (40
 * to 150 ms, and tens of megabytes of garbage whose collection paused the event loops too). A
 * route's outcome (its status, the IR routes it adds to each listener, the listeners that count it)
 * is a function of the route and of everything that is not an HTTPRoute: Gateways and their
 * listeners, Services and their endpoints, ReferenceGrants, Namespaces, BackendTLSPolicies. So the
 * memo is used only when every resource that is not an HTTPRoute is the very same object as last
 * time (providers hand out the same instance until a resource changes), the listeners came out the
 * same (their certificates are checked against a clock) and so did the upstream TLS settings; and
 * then only for routes that are the same objects too. Anything else is translated as if there were
 * no memo. {@code TranslationMemoTest} checks that a translation with a memo equals one without.
 *
 * <p>The outcomes and the statuses of the HTTPRoutes are kept in maps that a translation updates in
 * place, route by route, when the memo is valid: a change of one route among 10,000 then costs one
 * update of each, not 10,000 insertions (a sorted map of statuses built again was a seventh of a
 * change's time).
 *
 * <p>Not thread-safe: one memo belongs to one sequence of translations. A memo must not be shared
 * by translations whose results are modified afterwards: reused statuses are the same objects.
 */
public final class TranslationMemo {
  /** What a translation's HTTPRoutes depended on, besides the routes themselves. */
  record Context(
      Map<Class<?>, List<HasMetadata>> others,
      List<ListenerView> listeners,
      Map<String, UpstreamTls> upstreamTls,
      GatewayRuntime runtime) {
    /** Whether nothing a route depends on changed: the same objects, equal derived views. */
    boolean sameAs(Context o) {
      if (o == null || !others.keySet().equals(o.others.keySet()) || runtime != o.runtime) {
        return false;
      }
      for (Map.Entry<Class<?>, List<HasMetadata>> e : others.entrySet()) {
        if (!sameObjects(e.getValue(), o.others.get(e.getKey()))) {
          return false;
        }
      }
      return listeners.equals(o.listeners) && upstreamTls.equals(o.upstreamTls);
    }

    /** The same list, or lists of the same objects (a snapshot built afresh has new lists). */
    private static boolean sameObjects(List<HasMetadata> a, List<HasMetadata> b) {
      if (a == b) {
        return true;
      }
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i) != b.get(i)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Everything about a listener that attaching a route reads (RouteParents.refusal, Hostnames, the
   * messages), keyed by where it is.
   */
  record ListenerView(
      String key,
      String name,
      Integer port,
      String protocol,
      String hostname,
      boolean attachable,
      boolean accepted,
      List<String> supportedKinds,
      String namespacesFrom,
      LabelSelector namespaceSelector,
      String describe) {
    static ListenerView of(String key, ListenerContext l) {
      return new ListenerView(
          key,
          l.name(),
          l.port(),
          l.protocol(),
          l.hostname(),
          l.attachable,
          l.accepted(),
          l.supportedKinds.stream().map(k -> k.getGroup() + "/" + k.getKind()).toList(),
          l.namespacesFrom,
          l.namespaceSelector,
          l.describe());
    }
  }

  /**
   * One HTTPRoute's outcome.
   *
   * @param route the route object it was computed from (reused only for that same object)
   * @param status its status, or null when it has no parent Archway owns
   * @param counted the listeners whose attachedRoutes count it
   * @param entries the IR routes it added, by listener
   */
  record Outcome(
      HTTPRoute route,
      HTTPRouteStatus status,
      List<String> counted,
      Map<String, List<RouteEntry>> entries) {}

  private Context context;
  private Map<ResourceKey, Outcome> outcomes = new HashMap<>();
  private TreeMap<ResourceKey, HTTPRouteStatus> statuses = new TreeMap<>();
  // By listener key: the HTTPRoutes it counts in attachedRoutes.
  private Map<String, Set<ResourceKey>> attached = new HashMap<>();
  // By listener key: the entries of the last order that no HTTPRoute outcome holds (GRPCRoutes').
  private Map<String, List<RouteEntry>> foreign = new HashMap<>();
  // A translation that began and did not finish (it threw) may have updated the maps in part.
  private boolean unfinished;
  private Map<String, Destination> destinations = Map.of();
  private Map<String, RouteEntry[]> routeOrders = Map.of();
  private SortedSet<ResourceKey> lookups = new TreeSet<>();
  private int reused;
  private int total;

  /** How many HTTPRoutes the last translation reused, out of {@link #lastTotal()}. */
  public int lastReused() {
    return reused;
  }

  /** How many HTTPRoutes the last translation had. */
  public int lastTotal() {
    return total;
  }

  /**
   * One translation's use of the memo: reads the previous outcomes, collects the new ones.
   *
   * <p>When the memo is valid, a reused route costs one lookup: its listeners' route counts and the
   * destinations were put in place when the session began, and its IR routes are in the previous
   * precedence order that {@link #sorted} starts from. What a translated or removed route had
   * contributed before is taken out again.
   */
  final class Session implements IrBuilder.RouteOrder {
    private final Context now;
    private final boolean valid;
    private final Map<String, ListenerContext> listeners;
    // Updated in place when valid; otherwise filled afresh.
    private final Map<ResourceKey, Outcome> next;
    private final TreeMap<ResourceKey, HTTPRouteStatus> nextStatuses;
    private final Map<String, Set<ResourceKey>> nextAttached;
    private final int known;
    private final Map<String, RouteEntry[]> nextRouteOrders = new HashMap<>();
    // By listener key: the previous IR routes of the routes translated again or gone.
    private final Map<String, List<RouteEntry>> retracted = new HashMap<>();
    // By listener key: the IR routes of the HTTPRoutes translated this time.
    private final Map<String, Set<RouteEntry>> recorded = new HashMap<>();
    private final Map<String, List<RouteEntry>> nextForeign = new HashMap<>();
    private final BackendResolver backends;
    private int reusedNow;
    // Routes of this translation that the previous one had too: fewer than it had means some
    // routes are gone, and their outcomes and statuses must go.
    private int seenAgain;

    private Session(Context now, Map<String, ListenerContext> listeners, BackendResolver backends) {
      this.now = now;
      this.listeners = listeners;
      this.backends = backends;
      this.valid = listeners != null && now.sameAs(context);
      this.next = valid ? outcomes : new HashMap<>();
      this.nextStatuses = valid ? statuses : new TreeMap<>();
      this.nextAttached = valid ? attached : new HashMap<>();
      this.known = valid ? outcomes.size() : 0;
      if (valid) {
        // What the reused routes would add, added at once: the same context resolves the same
        // destinations, and a destination no route uses is left out of the IR by IrBuilder.
        nextAttached.forEach((l, keys) -> listeners.get(l).attachedRoutes.addAll(keys));
        destinations.forEach(backends.destinations()::putIfAbsent);
      }
    }

    /**
     * Returns the previous outcome of {@code route} when it can be reused (its counts, IR routes
     * and destinations are in place already), or null when it must be translated.
     */
    Outcome replay(HTTPRoute route, ResourceKey key) {
      if (!valid) {
        return null;
      }
      Outcome before = outcomes.get(key);
      if (before == null || before.route() != route) {
        return null;
      }
      seenAgain++;
      reusedNow++;
      return before;
    }

    /** Takes out what a route that is translated again or gone had contributed. */
    private void retract(ResourceKey key, Outcome before, Set<String> stillCounted) {
      for (String l : before.counted()) {
        if (!stillCounted.contains(l)) {
          listeners.get(l).attachedRoutes.remove(key);
          nextAttached.get(l).remove(key);
        }
      }
      before
          .entries()
          .forEach(
              (l, entries) -> retracted.computeIfAbsent(l, k -> new ArrayList<>()).addAll(entries));
    }

    /** Records what translating {@code route} gave. */
    void record(
        ResourceKey key,
        HTTPRoute route,
        HTTPRouteStatus status,
        Iterable<ListenerContext> counted,
        Map<ListenerContext, List<RouteEntry>> entries) {
      if (status != null) {
        nextStatuses.put(key, status);
      } else {
        nextStatuses.remove(key);
      }
      if (listeners == null) {
        return;
      }
      List<String> countedKeys = new ArrayList<>();
      counted.forEach(l -> countedKeys.add(keyOf(l)));
      Map<String, List<RouteEntry>> entryKeys = new HashMap<>();
      entries.forEach((l, e) -> entryKeys.put(keyOf(l), List.copyOf(e)));
      entryKeys.forEach(
          (l, e) ->
              recorded
                  .computeIfAbsent(l, k -> Collections.newSetFromMap(new IdentityHashMap<>()))
                  .addAll(e));
      for (String l : countedKeys) {
        nextAttached.computeIfAbsent(l, k -> new HashSet<>()).add(key);
      }
      Outcome before = next.put(key, new Outcome(route, status, countedKeys, entryKeys));
      if (before != null && valid) {
        seenAgain++;
        retract(key, before, Set.copyOf(countedKeys));
      }
    }

    /**
     * The statuses of the routes with at least one parent, once each of {@code routes} was replayed
     * or recorded: those of routes that are gone are dropped here. The map is the memo's own: read
     * it before the next translation.
     */
    SortedMap<ResourceKey, HTTPRouteStatus> statuses(List<HTTPRoute> routes) {
      if (seenAgain < known) {
        Set<ResourceKey> present = new HashSet<>();
        for (HTTPRoute route : routes) {
          present.add(ResourceKey.of(route));
        }
        next.entrySet()
            .removeIf(
                e -> {
                  if (present.contains(e.getKey())) {
                    return false;
                  }
                  retract(e.getKey(), e.getValue(), Set.of());
                  return true;
                });
        nextStatuses.keySet().retainAll(present);
      }
      return nextStatuses;
    }

    private String keyOf(ListenerContext l) {
      return Objects.requireNonNull(l.memoKey, "listener without a memo key");
    }

    /**
     * Sorts a listener's entries starting from the order they had after the previous translation
     * ({@link PrecedenceOrder}); the result is the same whatever the memo holds. When the memo is
     * valid, {@code l.routes} holds only the entries of routes translated this time: they are put
     * into the previous order, without the entries of the routes translated again or gone.
     */
    @Override
    public RouteEntry[] sorted(ListenerContext l) {
      if (listeners == null) {
        return PrecedenceOrder.sort(l.routes, null); // listener keys are not unique
      }
      String key = keyOf(l);
      Set<RouteEntry> translated = recorded.getOrDefault(key, Set.of());
      nextForeign.put(key, l.routes.stream().filter(e -> !translated.contains(e)).toList());
      RouteEntry[] previous = routeOrders.get(key);
      RouteEntry[] sorted;
      if (!valid) {
        sorted = PrecedenceOrder.sort(l.routes, previous);
      } else if (previous != null) {
        List<RouteEntry> gone = new ArrayList<>(retracted.getOrDefault(key, List.of()));
        gone.addAll(foreign.getOrDefault(key, List.of()));
        sorted = PrecedenceOrder.insert(PrecedenceOrder.without(previous, gone), l.routes);
      } else {
        // Not served last time, so the reused entries are in no order: gathered from every
        // outcome (those of translated routes are in l.routes too), with the other kinds' entries.
        Set<RouteEntry> fromOutcomes = Collections.newSetFromMap(new IdentityHashMap<>());
        next.values().forEach(o -> fromOutcomes.addAll(o.entries().getOrDefault(key, List.of())));
        List<RouteEntry> all = new ArrayList<>(fromOutcomes);
        l.routes.stream().filter(e -> !fromOutcomes.contains(e)).forEach(all::add);
        sorted = PrecedenceOrder.sort(all, null);
      }
      nextRouteOrders.put(key, sorted);
      return sorted;
    }

    /**
     * Makes this translation's outcomes the ones the next translation may reuse, and returns what
     * it looked up ({@code looked}) completed for the routes it reused: those were not looked at
     * again, so what the translation before listed is added. A superset, then, which is what {@link
     * TranslationResult#lookups()} is used for (deciding that a change to an object nothing looked
     * up needs no translation). A translation that reuses nothing has the exact set again; one does
     * whenever an object other than an HTTPRoute changed.
     */
    SortedSet<ResourceKey> finish(int routes, SortedSet<ResourceKey> looked) {
      if (reusedNow > 0) {
        looked.addAll(lookups);
      }
      lookups = looked;
      context = now;
      outcomes = next;
      statuses = nextStatuses;
      attached = nextAttached;
      foreign = nextForeign;
      unfinished = false;
      routeOrders = nextRouteOrders;
      destinations = Map.copyOf(backends.destinations());
      reused = reusedNow;
      total = routes;
      return looked;
    }
  }

  /**
   * Starts a translation's use of the memo.
   *
   * @param parents the listeners routes attach to in this translation
   */
  Session begin(
      ResourceSnapshot snapshot,
      RouteParents.Parents parents,
      BackendResolver backends,
      GatewayRuntime runtime) {
    if (unfinished) {
      context = null; // nothing kept may be trusted
    }
    unfinished = true;
    Map<Class<?>, List<HasMetadata>> others = new HashMap<>(snapshot.byType());
    others.remove(HTTPRoute.class);
    Map<String, ListenerContext> listeners = new HashMap<>();
    List<ListenerView> views = new ArrayList<>();
    boolean unique = true;
    for (GatewayContext gw : parents.gateways().values()) {
      for (ListenerContext l : gw.listeners) {
        unique &= index(gw.namespacedName() + "#" + l.index, l, listeners, views);
      }
    }
    for (ListenerSetContext set : parents.listenerSets().values()) {
      for (ListenerContext l : set.listeners) {
        String key = set.gateway.namespacedName() + "#" + set.namespacedName() + "#" + l.index;
        unique &= index(key, l, listeners, views);
      }
    }
    Context now = new Context(others, views, new HashMap<>(backends.upstreamTls()), runtime);
    return new Session(now, unique ? listeners : null, backends);
  }

  private static boolean index(
      String key,
      ListenerContext l,
      Map<String, ListenerContext> listeners,
      List<ListenerView> views) {
    l.memoKey = key;
    views.add(ListenerView.of(key, l));
    return listeners.put(key, l) == null;
  }
}
