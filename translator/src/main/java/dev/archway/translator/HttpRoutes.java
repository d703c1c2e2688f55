package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.GATEWAY_GROUP;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.RouteConditionReason;
import dev.archway.api.status.RouteConditionType;
import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.ir.HttpMatch;
import dev.archway.ir.HttpRoute;
import dev.archway.translator.RouteCompiler.CompiledRoute;
import dev.archway.translator.RouteCompiler.CompiledRule;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Attaches HTTPRoutes to the listeners of Archway's Gateways and computes their parent statuses.
 *
 * <p>Only parentRefs to a Gateway of one of Archway's GatewayClasses get a status entry. A
 * parentRef to a Gateway that does not exist gets none either: nothing tells which controller would
 * own it, and writing an entry for a Gateway another controller serves would fight that controller.
 */
final class HttpRoutes {
  private static final String GATEWAY = "Gateway";

  private HttpRoutes() {}

  /** Processes every HTTPRoute; returns the statuses of the routes with at least one entry. */
  static Map<ResourceKey, HTTPRouteStatus> process(
      List<HTTPRoute> routes, Map<String, GatewayContext> gateways, BackendResolver backends) {
    Map<ResourceKey, HTTPRouteStatus> statuses = new LinkedHashMap<>();
    for (HTTPRoute route : routes) {
      HTTPRouteStatus status = process(route, gateways, backends);
      if (status != null) {
        statuses.put(ResourceKey.of(route), status);
      }
    }
    return statuses;
  }

  private static HTTPRouteStatus process(
      HTTPRoute route, Map<String, GatewayContext> gateways, BackendResolver backends) {
    String namespace = route.getMetadata().getNamespace();
    List<ParentReference> parentRefs =
        route.getSpec() == null ? List.of() : nonNull(route.getSpec().getParentRefs());
    CompiledRoute compiled = null;
    List<RouteParentStatus> parents = new ArrayList<>();
    Set<List<Object>> seen = new HashSet<>();
    // Listener -> hostnames served there, over every parentRef (a route counts once per listener).
    Map<ListenerContext, Set<String>> attached = new LinkedHashMap<>();
    for (int i = 0; i < parentRefs.size(); i++) {
      ParentReference ref = parentRefs.get(i);
      String group = Objects.requireNonNullElse(ref.getGroup(), GATEWAY_GROUP);
      String kind = Objects.requireNonNullElse(ref.getKind(), GATEWAY);
      String refNamespace = Objects.requireNonNullElse(ref.getNamespace(), namespace);
      GatewayContext gw = gateways.get(refNamespace + "/" + ref.getName());
      if (!group.equals(GATEWAY_GROUP) || !kind.equals(GATEWAY) || gw == null) {
        continue;
      }
      if (!seen.add(
          List.of(refNamespace, ref.getName(), "" + ref.getSectionName(), "" + ref.getPort()))) {
        continue; // the CRD forbids duplicate parentRefs; report the first
      }
      if (compiled == null) {
        compiled = RouteCompiler.compile(route, backends);
      }
      Attachment a = attach(compiled, ref, "spec.parentRefs[" + i + "]", gw, namespace, backends);
      if (a.reason() == RouteConditionReason.ACCEPTED) {
        a.listeners()
            .forEach((l, h) -> attached.computeIfAbsent(l, k -> new LinkedHashSet<>()).addAll(h));
      }
      parents.add(parentStatus(route, ref, group, kind, compiled, a));
    }
    if (parents.isEmpty()) {
      return null;
    }
    addRoutes(route, compiled, attached);
    HTTPRouteStatus status = new HTTPRouteStatus();
    status.setParents(parents);
    return status;
  }

  /**
   * The outcome of attaching to one parentRef.
   *
   * @param listeners for Accepted, each listener attached to and the hostnames served there
   */
  private record Attachment(
      RouteConditionReason reason, String message, Map<ListenerContext, List<String>> listeners) {
    static Attachment rejected(RouteConditionReason reason, String message) {
      return new Attachment(reason, message, Map.of());
    }
  }

  private static Attachment attach(
      CompiledRoute compiled,
      ParentReference ref,
      String at,
      GatewayContext gw,
      String namespace,
      BackendResolver backends) {
    if (compiled.routeProblem() != null) {
      return Attachment.rejected(
          compiled.routeProblem().reason(), compiled.routeProblem().message());
    }
    if (compiled.rules().isEmpty()) {
      RuleProblem first = compiled.droppedRules().get(0);
      return Attachment.rejected(
          first.reason(),
          "every rule is invalid: "
              + compiled.droppedRules().stream()
                  .map(RuleProblem::message)
                  .collect(Collectors.joining("; ")));
    }
    List<ListenerContext> candidates =
        gw.listeners.stream()
            .filter(l -> ref.getSectionName() == null || ref.getSectionName().equals(l.name()))
            .filter(l -> ref.getPort() == null || ref.getPort().equals(l.port()))
            .toList();
    if (candidates.isEmpty()) {
      return Attachment.rejected(
          RouteConditionReason.NO_MATCHING_PARENT, noMatchingParent(ref, at, gw));
    }
    List<String> refusals = new ArrayList<>();
    List<ListenerContext> allowed = new ArrayList<>();
    for (ListenerContext l : candidates) {
      String refusal = refusal(l, namespace, backends.index());
      if (refusal == null) {
        allowed.add(l);
      } else {
        refusals.add(refusal);
      }
    }
    if (allowed.isEmpty()) {
      return Attachment.rejected(
          RouteConditionReason.NOT_ALLOWED_BY_LISTENERS, String.join("; ", refusals));
    }
    Map<ListenerContext, List<String>> listeners = new LinkedHashMap<>();
    for (ListenerContext l : allowed) {
      List<String> hostnames = Hostnames.effective(l.hostname(), compiled.hostnames());
      if (!hostnames.isEmpty()) {
        listeners.put(l, hostnames);
      }
    }
    if (listeners.isEmpty()) {
      return Attachment.rejected(
          RouteConditionReason.NO_MATCHING_LISTENER_HOSTNAME,
          "spec.hostnames "
              + quoted(compiled.hostnames())
              + " match no listener hostname (expected: one that intersects "
              + allowed.stream()
                  .map(
                      l ->
                          l.describe()
                              + ": "
                              + (l.hostname() == null ? "any" : "\"" + l.hostname() + "\""))
                  .collect(Collectors.joining(", "))
              + ")");
    }
    String names =
        listeners.keySet().stream()
            .map(l -> "\"" + l.name() + "\"")
            .collect(Collectors.joining(", "));
    return new Attachment(
        RouteConditionReason.ACCEPTED,
        (listeners.size() == 1 ? "attached to listener " : "attached to listeners ") + names,
        listeners);
  }

  /** Why a listener does not take this route, or null when it does (allowedRoutes). */
  private static String refusal(ListenerContext l, String namespace, ResourceIndex index) {
    if (!Listeners.HTTP.equals(l.spec.getProtocol())) {
      return l.describe()
          + " has protocol \""
          + l.spec.getProtocol()
          + "\" (expected: HTTP for an HTTPRoute)";
    }
    if (!l.attachable) {
      return l.describe() + " is invalid";
    }
    if (l.supportedKinds.isEmpty()) {
      return l.describe() + " does not allow kind HTTPRoute (allowedRoutes.kinds)";
    }
    String own = l.gateway.namespace();
    return switch (l.namespacesFrom) {
      case "All" -> null;
      case "None" -> l.describe() + " allows no routes (allowedRoutes.namespaces.from: None)";
      case "Selector" ->
          LabelSelectors.matches(l.namespaceSelector, index.namespaceLabels(namespace))
              ? null
              : "namespace \""
                  + namespace
                  + "\" does not match the allowedRoutes.namespaces.selector of "
                  + l.describe();
      default ->
          own.equals(namespace)
              ? null
              : l.describe()
                  + " allows routes from namespace \""
                  + own
                  + "\" only (allowedRoutes.namespaces.from: Same)";
    };
  }

  private static String noMatchingParent(ParentReference ref, String at, GatewayContext gw) {
    String expected =
        gw.listeners.stream()
            .map(l -> "\"" + l.name() + "\" on port " + l.port())
            .collect(Collectors.joining(", "));
    String what;
    if (ref.getSectionName() != null && ref.getPort() != null) {
      what = ": sectionName \"" + ref.getSectionName() + "\" and port " + ref.getPort() + " match";
    } else if (ref.getSectionName() != null) {
      what = ".sectionName: \"" + ref.getSectionName() + "\" matches";
    } else {
      what = ".port: " + ref.getPort() + " matches";
    }
    return at
        + what
        + " no listener of Gateway "
        + gw.namespacedName()
        + " (expected: "
        + expected
        + ")";
  }

  private static RouteParentStatus parentStatus(
      HTTPRoute route,
      ParentReference ref,
      String group,
      String kind,
      CompiledRoute compiled,
      Attachment a) {
    Long generation = route.getMetadata().getGeneration();
    boolean accepted = a.reason() == RouteConditionReason.ACCEPTED;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(
        Conditions.create(
            RouteConditionType.ACCEPTED, accepted, a.reason(), a.message(), generation));
    if (accepted && !compiled.droppedRules().isEmpty()) {
      // The spec's "Dropped Rule" approach: valid rules keep serving, this says which went.
      conditions.add(
          Conditions.create(
              RouteConditionType.PARTIALLY_INVALID,
              true,
              RouteConditionReason.UNSUPPORTED_VALUE,
              "Dropped Rule: "
                  + compiled.droppedRules().stream()
                      .map(RuleProblem::message)
                      .collect(Collectors.joining("; ")),
              generation));
    }
    List<RuleProblem> refs = compiled.backendProblems();
    conditions.add(
        refs.isEmpty()
            ? Conditions.create(
                RouteConditionType.RESOLVED_REFS,
                true,
                RouteConditionReason.RESOLVED_REFS,
                "all references are resolved",
                generation)
            : Conditions.create(
                RouteConditionType.RESOLVED_REFS,
                false,
                refs.get(0).reason(),
                refs.stream().map(RuleProblem::message).collect(Collectors.joining("; ")),
                generation));
    // The parentRef as the API server stores it: group and kind defaulted, the rest as written.
    ParentReference echoed = new ParentReference();
    echoed.setGroup(group);
    echoed.setKind(kind);
    echoed.setNamespace(ref.getNamespace());
    echoed.setName(ref.getName());
    echoed.setSectionName(ref.getSectionName());
    echoed.setPort(ref.getPort());
    RouteParentStatus status = new RouteParentStatus();
    status.setParentRef(echoed);
    status.setControllerName(ArchwayApi.CONTROLLER_NAME);
    status.setConditions(Conditions.sortedByType(conditions));
    return status;
  }

  /** Counts the route on each listener and adds its IR routes to the Accepted ones. */
  private static void addRoutes(
      HTTPRoute route, CompiledRoute compiled, Map<ListenerContext, Set<String>> attached) {
    ResourceKey key = ResourceKey.of(route);
    String namespacedName =
        route.getMetadata().getNamespace() + "/" + route.getMetadata().getName();
    Instant created = parseTimestamp(route.getMetadata().getCreationTimestamp());
    attached.forEach(
        (listener, hostnames) -> {
          listener.attachedRoutes.add(key);
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
                    new HttpRoute(name, hostname, match, rule.filters(), rule.backends());
                listener.routes.add(new RouteEntry(ir, created, namespacedName, rule.index(), j));
              }
            }
          }
        });
  }

  private static Instant parseTimestamp(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String quoted(List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", ", "[", "]"));
  }
}
