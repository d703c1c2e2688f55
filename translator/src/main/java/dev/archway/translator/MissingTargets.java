package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.snapshot.ResourceKey;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRouteRule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

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
    List<BackendResolver.Ref> refs = new ArrayList<>();
    var snapshot = index.snapshot();
    String ns = key.namespace();
    String name = key.name();
    switch (key.kind()) {
      case Protocols.HTTP_ROUTE ->
          snapshot
              .find(HTTPRoute.class, ns, name)
              .filter(r -> r.getSpec() != null)
              .ifPresent(
                  r ->
                      nonNull(r.getSpec().getRules())
                          .forEach(
                              rule ->
                                  nonNull(rule.getBackendRefs())
                                      .forEach(b -> refs.add(BackendResolver.Ref.of(b)))));
      case Protocols.GRPC_ROUTE ->
          snapshot
              .find(GRPCRoute.class, ns, name)
              .filter(r -> r.getSpec() != null)
              .ifPresent(
                  r ->
                      nonNull(r.getSpec().getRules())
                          .forEach(
                              rule ->
                                  nonNull(rule.getBackendRefs())
                                      .forEach(b -> refs.add(BackendResolver.Ref.of(b)))));
      case Protocols.TLS_ROUTE ->
          snapshot
              .find(TLSRoute.class, ns, name)
              .filter(r -> r.getSpec() != null)
              .ifPresent(r -> l4(r.getSpec().getRules(), refs));
      case Protocols.TCP_ROUTE ->
          snapshot
              .find(TCPRoute.class, ns, name)
              .filter(r -> r.getSpec() != null)
              .ifPresent(r -> l4(r.getSpec().getRules(), refs));
      case Protocols.UDP_ROUTE ->
          snapshot
              .find(UDPRoute.class, ns, name)
              .filter(r -> r.getSpec() != null)
              .ifPresent(r -> l4(r.getSpec().getRules(), refs));
      default -> {}
    }
    List<String> services = new ArrayList<>();
    for (BackendResolver.Ref r : refs) {
      if (Objects.requireNonNullElse(r.group(), "").isEmpty()
          && Objects.requireNonNullElse(r.kind(), "Service").equals("Service")) {
        services.add(Objects.requireNonNullElse(r.namespace(), ns) + "/" + r.name());
      }
    }
    return services;
  }

  /** TLSRoute, TCPRoute and UDPRoute rules all hold plain BackendRefs. */
  private static void l4(List<? extends Object> rules, List<BackendResolver.Ref> refs) {
    for (Object rule : nonNull(rules)) {
      List<BackendRef> backendRefs =
          switch (rule) {
            case TLSRouteRule t -> t.getBackendRefs();
            case TCPRouteRule t -> t.getBackendRefs();
            case UDPRouteRule u -> u.getBackendRefs();
            default -> List.of();
          };
      nonNull(backendRefs).forEach(b -> refs.add(BackendResolver.Ref.of(b)));
    }
  }
}
