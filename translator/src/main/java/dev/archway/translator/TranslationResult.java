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
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a translation produced.
 *
 * @param config the data plane's configuration
 * @param statuses the computed status of every resource Archway owns, keyed by resource: a fabric8
 *     {@link GatewayClassStatus}, {@link GatewayStatus} or {@link HTTPRouteStatus}. The objects are
 *     shared: treat them as read-only. Conditions carry observedGeneration but no
 *     lastTransitionTime, which the status writer stamps.
 */
public record TranslationResult(DataPlaneConfig config, SortedMap<ResourceKey, Object> statuses) {
  public TranslationResult {
    Objects.requireNonNull(config, "config");
    statuses = Collections.unmodifiableSortedMap(new TreeMap<>(statuses));
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
              for (ListenerStatus l : s.getListeners()) {
                firstNotTrue(
                        l.getConditions(),
                        ListenerConditionType.ACCEPTED,
                        ListenerConditionType.RESOLVED_REFS,
                        ListenerConditionType.PROGRAMMED)
                    .ifPresent(c -> lines.add(line(key, "listener " + l.getName(), c)));
              }
            }
            case HTTPRouteStatus s -> {
              for (RouteParentStatus p : s.getParents()) {
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
   * object) when Archway computed no status for it. For an HTTPRoute, the parent entries other
   * controllers wrote are kept after Archway's own.
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
          (T) new HTTPRouteBuilder(r).withStatus(mergeParents(r, s)).build();
      default -> resource;
    };
  }

  private static HTTPRouteStatus mergeParents(HTTPRoute route, HTTPRouteStatus ours) {
    List<RouteParentStatus> parents = new ArrayList<>(ours.getParents());
    if (route.getStatus() != null && route.getStatus().getParents() != null) {
      for (RouteParentStatus p : route.getStatus().getParents()) {
        if (!ArchwayApi.CONTROLLER_NAME.equals(p.getControllerName())) {
          parents.add(p);
        }
      }
    }
    HTTPRouteStatus merged = new HTTPRouteStatus();
    merged.setParents(parents);
    return merged;
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
