package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.ir.HttpMatch;
import dev.archway.ir.HttpRoute;
import dev.archway.translator.RouteCompiler.CompiledRoute;
import dev.archway.translator.RouteCompiler.CompiledRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** Attaches HTTPRoutes to Archway's listeners, computes their statuses and adds their IR routes. */
final class HttpRoutes {
  private HttpRoutes() {}

  /**
   * Processes every HTTPRoute; returns the statuses of the routes with at least one entry (with a
   * memo session, a map of the memo's that the next translation changes). Routes whose outcome the
   * memo session still holds are not translated again.
   */
  static SortedMap<ResourceKey, HTTPRouteStatus> process(
      List<HTTPRoute> routes,
      RouteParents.Parents parents,
      BackendResolver backends,
      TranslationMemo.Session memo) {
    SortedMap<ResourceKey, HTTPRouteStatus> statuses = new TreeMap<>();
    for (HTTPRoute route : routes) {
      ResourceKey key = ResourceKey.of(route);
      if (memo != null && memo.replay(route, key) != null) {
        continue; // its status is in the memo's map already
      }
      List<ParentReference> parentRefs =
          route.getSpec() == null ? List.of() : nonNull(route.getSpec().getParentRefs());
      CompiledRoute[] compiled = new CompiledRoute[1];
      RouteParents.Result result =
          RouteParents.attach(
              route,
              Protocols.HTTP_ROUTE,
              parentRefs,
              () -> {
                compiled[0] = RouteCompiler.compile(route, backends);
                return compiled[0].validity();
              },
              parents,
              backends.index());
      HTTPRouteStatus status = null;
      Map<ListenerContext, List<RouteEntry>> entries = Map.of();
      if (!result.parents().isEmpty()) {
        entries = routeEntries(route, compiled[0], result.attached());
        entries.forEach((listener, added) -> listener.routes.addAll(added));
        status = new HTTPRouteStatus();
        status.setParents(result.parents());
      }
      if (memo != null) {
        memo.record(key, route, status, result.attached().keySet(), entries);
      } else if (status != null) {
        statuses.put(key, status);
      }
    }
    return memo != null ? memo.statuses(routes) : statuses;
  }

  /** The IR routes of a route for each Accepted listener it attached to. */
  private static Map<ListenerContext, List<RouteEntry>> routeEntries(
      HTTPRoute route, CompiledRoute compiled, Map<ListenerContext, Set<String>> attached) {
    String namespacedName = RouteParents.namespacedName(route);
    Instant created = RouteParents.created(route);
    Map<ListenerContext, List<RouteEntry>> entries = new LinkedHashMap<>();
    attached.forEach(
        (listener, hostnames) -> {
          if (!listener.accepted()) {
            return;
          }
          List<RouteEntry> added = new ArrayList<>();
          for (String hostname : hostnames) {
            for (CompiledRule rule : compiled.rules()) {
              for (int j = 0; j < rule.matches().size(); j++) {
                HttpMatch match = rule.matches().get(j);
                String name =
                    "httproute/" + namespacedName + "/rule/" + rule.index() + "/match/" + j;
                HttpRoute ir =
                    new HttpRoute(
                        name, hostname, match, rule.filters(), rule.backends(), rule.options());
                added.add(new RouteEntry(ir, created, namespacedName, rule.index(), j));
              }
            }
          }
          entries.put(listener, added);
        });
    return entries;
  }
}
