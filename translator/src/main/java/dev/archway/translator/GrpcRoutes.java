package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.ir.HttpRoute;
import dev.archway.translator.RouteCompiler.CompiledRoute;
import dev.archway.translator.RouteCompiler.CompiledRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches GRPCRoutes to HTTP and HTTPS listeners and adds their routes to the listeners' virtual
 * hosts, beside HTTPRoutes (the spec lets both kinds share a hostname; the routes are merged and
 * ordered by the HTTP precedence).
 */
final class GrpcRoutes {
  private GrpcRoutes() {}

  static Map<ResourceKey, GRPCRouteStatus> process(
      List<GRPCRoute> routes, RouteParents.Parents parents, BackendResolver backends) {
    Map<ResourceKey, GRPCRouteStatus> statuses = new LinkedHashMap<>();
    for (GRPCRoute route : routes) {
      CompiledRoute[] compiled = new CompiledRoute[1];
      RouteParents.Result result =
          RouteParents.attach(
              route,
              Protocols.GRPC_ROUTE,
              route.getSpec() == null ? List.of() : nonNull(route.getSpec().getParentRefs()),
              () -> {
                compiled[0] = GrpcCompiler.compile(route, backends);
                return compiled[0].validity();
              },
              parents,
              backends.index());
      if (result.parents().isEmpty()) {
        continue;
      }
      String namespacedName = RouteParents.namespacedName(route);
      Instant created = RouteParents.created(route);
      result
          .attached()
          .forEach(
              (listener, hostnames) -> {
                if (!listener.accepted()) {
                  return;
                }
                for (String hostname : hostnames) {
                  for (CompiledRule rule : compiled[0].rules()) {
                    for (int j = 0; j < rule.matches().size(); j++) {
                      String name =
                          "grpcroute/" + namespacedName + "/rule/" + rule.index() + "/match/" + j;
                      HttpRoute ir =
                          new HttpRoute(
                              name,
                              hostname,
                              rule.matches().get(j),
                              rule.filters(),
                              rule.backends(),
                              rule.options());
                      listener.routes.add(
                          new RouteEntry(ir, created, namespacedName, rule.index(), j));
                    }
                  }
                }
              });
      GRPCRouteStatus status = new GRPCRouteStatus();
      status.setParents(result.parents());
      statuses.put(ResourceKey.of(route), status);
    }
    return statuses;
  }
}
