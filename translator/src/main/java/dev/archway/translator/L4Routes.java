package dev.archway.translator;

import static dev.archway.translator.FilterCompiler.unsupported;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.ir.Destination;
import dev.archway.ir.WeightedBackend;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRouteSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRouteStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * TLSRoutes, TCPRoutes and UDPRoutes (apis/v1/tlsroute_types.go, tcproute_types.go,
 * udproute_types.go): each has backendRefs only, attaches to listeners of its protocol, and sends
 * whole connections (or UDP sessions) to one weighted backend. TLSRoutes also have hostnames,
 * matched against the listener hostname and the ClientHello's SNI.
 *
 * <p>In v1 each has exactly one rule and a TLSRoute has 1-1024 hostnames; the deprecated
 * v1alpha2/v1alpha3 allowed up to 16 rules and no hostnames, which are read as one rule with every
 * backendRef.
 */
final class L4Routes {
  private L4Routes() {}

  /** The rules' backendRefs of a route, one list per rule. */
  private record Spec(List<String> hostnames, List<List<BackendRef>> rules) {}

  static Map<ResourceKey, Object> processTls(
      List<TLSRoute> routes, RouteParents.Parents parents, BackendResolver backends) {
    return processAll(
        routes,
        Protocols.TLS_ROUTE,
        route -> route.getSpec() == null ? null : route.getSpec().getParentRefs(),
        route ->
            route.getSpec() == null
                ? new Spec(List.of(), List.of())
                : new Spec(
                    nonNull(route.getSpec().getHostnames()),
                    backendRefs(route.getSpec().getRules(), TLSRouteRule::getBackendRefs)),
        TLSRouteStatus::new,
        parents,
        backends);
  }

  static Map<ResourceKey, Object> processTcp(
      List<TCPRoute> routes, RouteParents.Parents parents, BackendResolver backends) {
    return processAll(
        routes,
        Protocols.TCP_ROUTE,
        route -> route.getSpec() == null ? null : route.getSpec().getParentRefs(),
        route -> rulesOnly(route.getSpec(), TCPRouteSpec::getRules, TCPRouteRule::getBackendRefs),
        TCPRouteStatus::new,
        parents,
        backends);
  }

  static Map<ResourceKey, Object> processUdp(
      List<UDPRoute> routes, RouteParents.Parents parents, BackendResolver backends) {
    return processAll(
        routes,
        Protocols.UDP_ROUTE,
        route -> route.getSpec() == null ? null : route.getSpec().getParentRefs(),
        route -> rulesOnly(route.getSpec(), UDPRouteSpec::getRules, UDPRouteRule::getBackendRefs),
        UDPRouteStatus::new,
        parents,
        backends);
  }

  /**
   * The statuses of routes of one kind; the three kinds differ only in how their spec and status
   * are reached, which the functions give.
   */
  private static <R extends HasMetadata> Map<ResourceKey, Object> processAll(
      List<R> routes,
      String kind,
      Function<R, List<ParentReference>> parentRefs,
      Function<R, Spec> spec,
      Function<List<RouteParentStatus>, Object> status,
      RouteParents.Parents parents,
      BackendResolver backends) {
    Map<ResourceKey, Object> statuses = new LinkedHashMap<>();
    for (R route : routes) {
      List<RouteParentStatus> routeParents =
          process(route, kind, parentRefs.apply(route), spec.apply(route), parents, backends);
      if (!routeParents.isEmpty()) {
        statuses.put(ResourceKey.of(route), status.apply(routeParents));
      }
    }
    return statuses;
  }

  /** The spec of a TCPRoute or UDPRoute (null when it has none): rules, no hostnames. */
  private static <S, T> Spec rulesOnly(
      S spec, Function<S, List<T>> rules, Function<T, List<BackendRef>> refs) {
    return new Spec(null, spec == null ? List.of() : backendRefs(rules.apply(spec), refs));
  }

  /** Each rule's backendRefs. */
  private static <T> List<List<BackendRef>> backendRefs(
      List<T> rules, Function<T, List<BackendRef>> refs) {
    return nonNull(rules).stream().map(rule -> nonNull(refs.apply(rule))).toList();
  }

  private static List<RouteParentStatus> process(
      HasMetadata route,
      String kind,
      List<ParentReference> parentRefs,
      Spec spec,
      RouteParents.Parents parents,
      BackendResolver backends) {
    List<WeightedBackend> weighted = new ArrayList<>();
    RouteParents.Result result =
        RouteParents.attach(
            route,
            kind,
            nonNull(parentRefs),
            () -> compile(route, kind, spec, backends, weighted),
            parents,
            backends.index());
    String name = kind.toLowerCase(Locale.ROOT) + "/" + RouteParents.namespacedName(route);
    Instant created = RouteParents.created(route);
    String namespacedName = RouteParents.namespacedName(route);
    result
        .attached()
        .forEach(
            (listener, hostnames) -> {
              if (!listener.accepted()) {
                return;
              }
              if (kind.equals(Protocols.TLS_ROUTE)) {
                for (String h : hostnames) {
                  listener.tlsRoutes.add(
                      new L4RouteEntry(name, h, weighted, created, namespacedName));
                }
              } else {
                listener.l4Routes.add(
                    new L4RouteEntry(name, null, weighted, created, namespacedName));
              }
            });
    return result.parents();
  }

  private static RouteParents.Validity compile(
      HasMetadata route,
      String kind,
      Spec spec,
      BackendResolver backends,
      List<WeightedBackend> weighted) {
    boolean v1 = route.getApiVersion() == null || route.getApiVersion().endsWith("/v1");
    RuleProblem routeProblem = null;
    if (spec.hostnames() != null) {
      if (v1 && spec.hostnames().isEmpty()) {
        routeProblem =
            unsupported("spec.hostnames: empty (expected: 1-1024 hostnames for a " + kind + ")");
      }
      for (int i = 0; i < spec.hostnames().size() && routeProblem == null; i++) {
        String h = spec.hostnames().get(i);
        if (Protocols.TLS_ROUTE.equals(kind) && BackendValidation.isIpAddress(h)) {
          // CEL on TLSRoute spec.hostnames: "Hostnames cannot contain an IP" (SNI carries names).
          routeProblem =
              unsupported(
                  "spec.hostnames["
                      + i
                      + "]: \""
                      + h
                      + "\" is an IP address (expected: a DNS name)");
        } else if (!Hostnames.isValid(h)) {
          routeProblem =
              unsupported(
                  "spec.hostnames["
                      + i
                      + "]: \""
                      + h
                      + "\" (expected: "
                      + Hostnames.EXPECTED
                      + ")");
        }
      }
    }
    if (routeProblem == null && spec.hostnames() != null) {
      routeProblem = CrdLimits.tooMany(spec.hostnames(), 1024, "spec.hostnames");
    }
    for (int r = 0; r < spec.rules().size() && routeProblem == null; r++) {
      routeProblem =
          CrdLimits.tooMany(
              spec.rules().get(r), CrdLimits.MAX_BACKEND_REFS, "spec.rules[" + r + "].backendRefs");
    }
    int max = v1 ? 1 : 16;
    if (routeProblem == null && (spec.rules().isEmpty() || spec.rules().size() > max)) {
      routeProblem =
          unsupported(
              "spec.rules: "
                  + spec.rules().size()
                  + " rules (expected: "
                  + (v1 ? "exactly 1" : "1-16")
                  + " for a "
                  + kind
                  + " of "
                  + Objects.requireNonNullElse(route.getApiVersion(), "v1")
                  + ")");
    }
    List<RuleProblem> backendProblems = new ArrayList<>();
    String namespace = route.getMetadata().getNamespace();
    if (routeProblem == null) {
      for (int r = 0; r < spec.rules().size() && routeProblem == null; r++) {
        List<BackendRef> refs = spec.rules().get(r);
        for (int k = 0; k < refs.size() && routeProblem == null; k++) {
          BackendRef ref = refs.get(k);
          String at = "spec.rules[" + r + "].backendRefs[" + k + "]";
          int weight = Objects.requireNonNullElse(ref.getWeight(), 1);
          routeProblem = check(ref, weight, at);
          if (routeProblem == null) {
            Destination d =
                backends.resolve(
                    BackendResolver.Ref.of(ref), kind, namespace, at, null, backendProblems);
            weighted.add(new WeightedBackend(d == null ? null : d.name(), weight, List.of()));
          }
        }
      }
    }
    if (routeProblem != null) {
      weighted.clear();
    }
    return new RouteParents.Validity(
        spec.hostnames(), routeProblem, routeProblem == null ? 1 : 0, List.of(), backendProblems);
  }

  /** What the CRD would reject in a backendRef, or null. */
  static RuleProblem check(BackendRef ref, int weight, String at) {
    if (weight < 0 || weight > 1_000_000) {
      return unsupported(at + ".weight: " + weight + " (expected: 0-1000000)");
    }
    if (ref.getName() == null || ref.getName().isEmpty()) {
      return unsupported(at + ".name: missing (expected: the name of the referent)");
    }
    boolean service =
        Objects.requireNonNullElse(ref.getGroup(), "").isEmpty()
            && Objects.requireNonNullElse(ref.getKind(), "Service").equals("Service");
    if (service && ref.getPort() == null) {
      return unsupported(at + ".port: missing (expected: a port of the Service)");
    }
    return null;
  }
}
