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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Attaches HTTPRoutes to Archway's listeners, computes their statuses and adds their IR routes. */
final class HttpRoutes {
  private HttpRoutes() {}

  /** Processes every HTTPRoute; returns the statuses of the routes with at least one entry. */
  static Map<ResourceKey, HTTPRouteStatus> process(
      List<HTTPRoute> routes, RouteParents.Parents parents, BackendResolver backends) {
    Map<ResourceKey, HTTPRouteStatus> statuses = new LinkedHashMap<>();
    for (HTTPRoute route : routes) {
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
      if (result.parents().isEmpty()) {
        continue;
      }
      addRoutes(route, compiled[0], result.attached());
      HTTPRouteStatus status = new HTTPRouteStatus();
      status.setParents(result.parents());
      statuses.put(ResourceKey.of(route), status);
    }
    return statuses;
  }

  /** Adds the IR routes of a route to the Accepted listeners it attached to. */
  private static void addRoutes(
      HTTPRoute route, CompiledRoute compiled, Map<ListenerContext, Set<String>> attached) {
    String namespacedName = RouteParents.namespacedName(route);
    Instant created = RouteParents.created(route);
    attached.forEach(
        (listener, hostnames) -> {
          if (!listener.accepted()) {
            return;
          }
          for (String hostname : hostnames) {
            for (CompiledRule rule : compiled.rules()) {
              for (int j = 0; j < rule.matches().size(); j++) {
                HttpMatch match = rule.matches().get(j);
                String name =
                    "httproute/" + namespacedName + "/rule/" + rule.index() + "/match/" + j;
                HttpRoute ir =
                    new HttpRoute(
                        name, hostname, match, rule.filters(), rule.backends(), rule.options());
                listener.routes.add(new RouteEntry(ir, created, namespacedName, rule.index(), j));
              }
            }
          }
        });
  }
}
