package dev.archway.translator;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.status.ConditionType;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.GatewayClassConditionType;
import dev.archway.api.status.GatewayConditionType;
import dev.archway.api.status.ListenerConditionType;
import dev.archway.api.status.RouteConditionType;
import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.ir.DataPlaneConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerEntryStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSetBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSetStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRouteStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a translation produced.
 *
 * @param config the data plane's configuration
 * @param statuses the computed status of every resource Archway owns, keyed by resource: a fabric8
 *     {@link GatewayClassStatus}, {@link GatewayStatus}, {@link ListenerSetStatus}, a route status
 *     ({@link HTTPRouteStatus}, {@link GRPCRouteStatus}, {@link TLSRouteStatus}, {@link
 *     TCPRouteStatus}, {@link UDPRouteStatus}) or a {@link PolicyStatus} (BackendTLSPolicy). The
 *     objects are shared: treat them as read-only. Conditions carry observedGeneration but no
 *     lastTransitionTime, which the status writer stamps.
 * @param lookups every object the translation looked up by name, found or not: the Secrets and
 *     ConfigMaps that Gateways and ListenerSets of Archway's GatewayClasses (listener and backend
 *     certificates, frontend CA certificates) and BackendTLSPolicies (CA certificates) reference
 *     where the reference is permitted (the same namespace, or a ReferenceGrant allows it); the
 *     Services, Backends and ProxyConfigs referenced; and the Namespaces whose labels a {@code
 *     Selector} of allowedRoutes or allowedListeners was matched against. The Kubernetes provider
 *     watches exactly these Secrets and ConfigMaps. Exact for a translation that reused no route
 *     from a {@link TranslationMemo}; one that did lists these plus what the translation before it
 *     listed (the routes it reused were not looked at again), a superset.
 */
public record TranslationResult(
    DataPlaneConfig config,
    SortedMap<ResourceKey, Object> statuses,
    SortedSet<ResourceKey> lookups) {
  public TranslationResult {
    Objects.requireNonNull(config, "config");
    statuses = Collections.unmodifiableSortedMap(new TreeMap<>(statuses));
    lookups = Collections.unmodifiableSortedSet(new TreeSet<>(lookups));
  }

  /** A result that looked nothing up. */
  public TranslationResult(DataPlaneConfig config, SortedMap<ResourceKey, Object> statuses) {
    this(config, statuses, new TreeSet<>());
  }

  /**
   * One line per owned resource, listener or route parent that is not fully valid, sorted: a
   * GatewayClass or Gateway not Accepted; a listener not Accepted, ResolvedRefs or Programmed; a
   * route parent not Accepted, not ResolvedRefs, or PartiallyInvalid. Each line names the first
   * failing condition, for example {@code HTTPRoute/default/web: parent gw: Accepted=False
   * NotAllowedByListeners: <message>}.
   */
  public List<String> problems() {
    List<String> lines = new ArrayList<>();
    statuses.forEach(
        (key, status) -> {
          switch (status) {
            case GatewayClassStatus s ->
                notTrue(s.getConditions(), GatewayClassConditionType.ACCEPTED)
                    .ifPresent(c -> lines.add(line(key, null, c)));
            case GatewayStatus s -> {
              notTrue(s.getConditions(), GatewayConditionType.ACCEPTED)
                  .ifPresent(c -> lines.add(line(key, null, c)));
              // The Gateway's own references; ListenersNotResolved repeats the listener lines.
              notTrue(s.getConditions(), GatewayConditionType.RESOLVED_REFS)
                  .filter(c -> !"ListenersNotResolved".equals(c.getReason()))
                  .ifPresent(c -> lines.add(line(key, null, c)));
              for (ListenerStatus l : s.getListeners()) {
                firstNotTrue(
                        l.getConditions(),
                        ListenerConditionType.ACCEPTED,
                        ListenerConditionType.RESOLVED_REFS,
                        ListenerConditionType.PROGRAMMED)
                    .ifPresent(c -> lines.add(line(key, "listener " + l.getName(), c)));
              }
            }
            case ListenerSetStatus s -> {
              notTrue(s.getConditions(), GatewayConditionType.ACCEPTED)
                  .ifPresent(c -> lines.add(line(key, null, c)));
              for (ListenerEntryStatus l : s.getListeners()) {
                firstNotTrue(
                        l.getConditions(),
                        ListenerConditionType.ACCEPTED,
                        ListenerConditionType.RESOLVED_REFS,
                        ListenerConditionType.PROGRAMMED)
                    .ifPresent(c -> lines.add(line(key, "listener " + l.getName(), c)));
              }
            }
            case PolicyStatus s -> {
              for (PolicyAncestorStatus a : s.getAncestors()) {
                firstNotTrue(
                        a.getConditions(),
                        RouteConditionType.ACCEPTED,
                        RouteConditionType.RESOLVED_REFS)
                    .ifPresent(
                        c -> lines.add(line(key, "ancestor " + describe(a.getAncestorRef()), c)));
              }
            }
            case Object s when parents(s) != null -> {
              for (RouteParentStatus p : parents(s)) {
                var c =
                    firstNotTrue(
                        p.getConditions(),
                        RouteConditionType.ACCEPTED,
                        RouteConditionType.RESOLVED_REFS);
                if (c.isEmpty()) {
                  c = Conditions.find(p.getConditions(), RouteConditionType.PARTIALLY_INVALID);
                }
                c.ifPresent(
                    cond -> lines.add(line(key, "parent " + describe(p.getParentRef()), cond)));
              }
            }
            default -> {}
          }
        });
    Collections.sort(lines);
    return lines;
  }

  /**
   * A deep copy of a resource carrying its computed status, or the resource itself (the same
   * object) when Archway computed no status for it. For a route (a policy), the parent (ancestor)
   * entries other controllers wrote are kept after Archway's own.
   */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> T withStatus(T resource) {
    Object status = statuses.get(ResourceKey.of(resource));
    if (status == null) {
      return resource;
    }
    return switch (resource) {
      case GatewayClass gc when status instanceof GatewayClassStatus s ->
          (T) new GatewayClassBuilder(gc).withStatus(s).build();
      case Gateway g when status instanceof GatewayStatus s ->
          (T) new GatewayBuilder(g).withStatus(s).build();
      case HTTPRoute r when status instanceof HTTPRouteStatus s ->
          (T)
              new HTTPRouteBuilder(r)
                  .withStatus(new HTTPRouteStatus(mergeParents(s.getParents(), r.getStatus())))
                  .build();
      case GRPCRoute r when status instanceof GRPCRouteStatus s ->
          (T)
              new GRPCRouteBuilder(r)
                  .withStatus(new GRPCRouteStatus(mergeParents(s.getParents(), r.getStatus())))
                  .build();
      case TLSRoute r when status instanceof TLSRouteStatus s ->
          (T)
              new TLSRouteBuilder(r)
                  .withStatus(new TLSRouteStatus(mergeParents(s.getParents(), r.getStatus())))
                  .build();
      case TCPRoute r when status instanceof TCPRouteStatus s ->
          (T)
              new TCPRouteBuilder(r)
                  .withStatus(new TCPRouteStatus(mergeParents(s.getParents(), r.getStatus())))
                  .build();
      case UDPRoute r when status instanceof UDPRouteStatus s ->
          (T)
              new UDPRouteBuilder(r)
                  .withStatus(new UDPRouteStatus(mergeParents(s.getParents(), r.getStatus())))
                  .build();
      case ListenerSet ls when status instanceof ListenerSetStatus s ->
          (T) new ListenerSetBuilder(ls).withStatus(s).build();
      case BackendTLSPolicy p when status instanceof PolicyStatus s ->
          (T) new BackendTLSPolicyBuilder(p).withStatus(mergeAncestors(s, p.getStatus())).build();
      default -> resource;
    };
  }

  /**
   * Archway's parent entries, then those other controllers wrote in {@code existing}, the route's
   * current status (null when it has none).
   */
  private static List<RouteParentStatus> mergeParents(
      List<RouteParentStatus> ours, Object existing) {
    List<RouteParentStatus> theirs = existing == null ? null : parents(existing);
    List<RouteParentStatus> parents = new ArrayList<>(ours);
    if (theirs != null) {
      for (RouteParentStatus p : theirs) {
        if (!ArchwayApi.CONTROLLER_NAME.equals(p.getControllerName())) {
          parents.add(p);
        }
      }
    }
    return parents;
  }

  /** Archway's ancestor entries, then those other controllers wrote. */
  private static PolicyStatus mergeAncestors(PolicyStatus ours, PolicyStatus existing) {
    List<PolicyAncestorStatus> ancestors = new ArrayList<>(ours.getAncestors());
    if (existing != null && existing.getAncestors() != null) {
      for (PolicyAncestorStatus a : existing.getAncestors()) {
        if (!ArchwayApi.CONTROLLER_NAME.equals(a.getControllerName())) {
          ancestors.add(a);
        }
      }
    }
    PolicyStatus merged = new PolicyStatus();
    merged.setAncestors(ancestors);
    return merged;
  }

  /** The parent entries of a route status of any kind, or null for other statuses. */
  static List<RouteParentStatus> parents(Object status) {
    return switch (status) {
      case HTTPRouteStatus s -> s.getParents();
      case GRPCRouteStatus s -> s.getParents();
      case TLSRouteStatus s -> s.getParents();
      case TCPRouteStatus s -> s.getParents();
      case UDPRouteStatus s -> s.getParents();
      default -> null;
    };
  }

  private static Optional<Condition> notTrue(List<Condition> conditions, ConditionType type) {
    return Conditions.find(conditions, type).filter(c -> !"True".equals(c.getStatus()));
  }

  private static Optional<Condition> firstNotTrue(
      List<Condition> conditions, ConditionType... types) {
    for (ConditionType type : types) {
      var c = notTrue(conditions, type);
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  private static String line(ResourceKey key, String scope, Condition c) {
    return key
        + ": "
        + (scope == null ? "" : scope + ": ")
        + c.getType()
        + "="
        + c.getStatus()
        + " "
        + c.getReason()
        + ": "
        + c.getMessage();
  }

  private static String describe(ParentReference ref) {
    StringBuilder s = new StringBuilder();
    if (ref.getNamespace() != null) {
      s.append(ref.getNamespace()).append('/');
    }
    s.append(ref.getName());
    if (ref.getSectionName() != null) {
      s.append(" listener ").append(ref.getSectionName());
    }
    if (ref.getPort() != null) {
      s.append(" port ").append(ref.getPort());
    }
    return s.toString();
  }
}
