package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.snapshot.ResourceKey;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRouteSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which Gateways a policy for a Service that does not exist concerns: those with a route attached
 * whose backendRefs name the Service. Only needed for such policies, so the routes are read again
 * rather than every backendRef being recorded on the way.
 */
final class MissingTargets {
  private MissingTargets() {}

  /** {@code namespace/name} of each Gateway with an attached route referring to a service. */
  static Set<String> gatewaysReferring(
      Set<String> services, Collection<GatewayContext> gateways, ResourceIndex index) {
    Set<String> result = new TreeSet<>();
    for (GatewayContext gw : gateways) {
      search:
      for (ListenerContext l : gw.allListeners()) {
        for (ResourceKey key : l.attachedRoutes) {
          for (String service : serviceRefs(key, index)) {
            if (services.contains(service)) {
              result.add(gw.namespacedName());
              break search;
            }
          }
        }
      }
    }
    return result;
  }

  /** The Services ({@code namespace/name}) a route's rules refer to in backendRefs. */
  private static List<String> serviceRefs(ResourceKey key, ResourceIndex index) {
    var snapshot = index.snapshot();
    String ns = key.namespace();
    String name = key.name();
    List<BackendResolver.Ref> refs =
        switch (key.kind()) {
          case Protocols.HTTP_ROUTE ->
              refs(
                  snapshot.find(HTTPRoute.class, ns, name).map(HTTPRoute::getSpec),
                  HTTPRouteSpec::getRules,
                  HTTPRouteRule::getBackendRefs,
                  BackendResolver.Ref::of);
          case Protocols.GRPC_ROUTE ->
              refs(
                  snapshot.find(GRPCRoute.class, ns, name).map(GRPCRoute::getSpec),
                  GRPCRouteSpec::getRules,
                  GRPCRouteRule::getBackendRefs,
                  BackendResolver.Ref::of);
          case Protocols.TLS_ROUTE ->
              refs(
                  snapshot.find(TLSRoute.class, ns, name).map(TLSRoute::getSpec),
                  TLSRouteSpec::getRules,
                  TLSRouteRule::getBackendRefs,
                  BackendResolver.Ref::of);
          case Protocols.TCP_ROUTE ->
              refs(
                  snapshot.find(TCPRoute.class, ns, name).map(TCPRoute::getSpec),
                  TCPRouteSpec::getRules,
                  TCPRouteRule::getBackendRefs,
                  BackendResolver.Ref::of);
          case Protocols.UDP_ROUTE ->
              refs(
                  snapshot.find(UDPRoute.class, ns, name).map(UDPRoute::getSpec),
                  UDPRouteSpec::getRules,
                  UDPRouteRule::getBackendRefs,
                  BackendResolver.Ref::of);
          default -> List.of();
        };
    List<String> services = new ArrayList<>();
    for (BackendResolver.Ref r : refs) {
      if (Objects.requireNonNullElse(r.group(), "").isEmpty()
          && Objects.requireNonNullElse(r.kind(), "Service").equals("Service")) {
        services.add(Objects.requireNonNullElse(r.namespace(), ns) + "/" + r.name());
      }
    }
    return services;
  }

  /** The backendRefs of every rule of a route's spec (absent when there is no such route). */
  private static <S, R, B> List<BackendResolver.Ref> refs(
      Optional<S> spec,
      Function<S, List<R>> rules,
      Function<R, List<B>> backendRefs,
      Function<B, BackendResolver.Ref> ref) {
    List<BackendResolver.Ref> refs = new ArrayList<>();
    spec.ifPresent(
        s ->
            nonNull(rules.apply(s))
                .forEach(
                    rule -> nonNull(backendRefs.apply(rule)).forEach(b -> refs.add(ref.apply(b)))));
    return refs;
  }
}
