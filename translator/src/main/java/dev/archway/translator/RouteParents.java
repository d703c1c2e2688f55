package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.GATEWAY_GROUP;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.RouteConditionReason;
import dev.archway.api.status.RouteConditionType;
import dev.archway.api.v1alpha1.ArchwayApi;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Attaches a route of any kind to the listeners its parentRefs select and computes one status entry
 * per parentRef Archway owns (apis/v1/shared_types.go CommonRouteSpec.ParentRefs,
 * RouteParentStatus).
 *
 * <p>Only parentRefs to a Gateway of one of Archway's GatewayClasses (or a ListenerSet attached to
 * one) get a status entry. A parentRef to a Gateway that does not exist gets none either: nothing
 * tells which controller would own it, and writing an entry for a Gateway another controller serves
 * would fight that controller. Entries Archway wrote before for parents it no longer owns disappear
 * because the status is computed afresh.
 */
final class RouteParents {
  static final String GATEWAY = "Gateway";
  static final String LISTENER_SET = "ListenerSet";

  private RouteParents() {}

  /**
   * What the parent-independent part of a route came to.
   *
   * @param hostnames spec.hostnames, or null for kinds without hostnames (TCP, UDP)
   * @param routeProblem why the whole route is invalid, or null
   * @param usableRules how many rules survived validation
   * @param droppedRules why rules were dropped (PartiallyInvalid)
   * @param backendProblems why backendRefs did not resolve (ResolvedRefs)
   */
  record Validity(
      List<String> hostnames,
      RuleProblem routeProblem,
      int usableRules,
      List<RuleProblem> droppedRules,
      List<RuleProblem> backendProblems) {}

  /**
   * The outcome for one route.
   *
   * @param parents one entry per owned parentRef, in spec order
   * @param attached each listener the route attached to, with the hostnames it serves there (empty
   *     for kinds without hostnames)
   */
  record Result(List<RouteParentStatus> parents, Map<ListenerContext, Set<String>> attached) {}

  /** Where parentRefs point: Archway's Gateways and the ListenerSets attached to them. */
  record Parents(
      Map<String, GatewayContext> gateways, Map<String, ListenerSetContext> listenerSets) {}

  /**
   * Attaches a route.
   *
   * @param kind the route's kind, such as HTTPRoute
   * @param validity computed on first need, so that routes of other controllers cost nothing
   */
  static Result attach(
      HasMetadata route,
      String kind,
      List<ParentReference> parentRefs,
      Supplier<Validity> validity,
      Parents parents,
      ResourceIndex index) {
    String namespace = route.getMetadata().getNamespace();
    Validity v = null;
    List<RouteParentStatus> statuses = new ArrayList<>();
    Set<List<Object>> seen = new HashSet<>();
    Map<ListenerContext, Set<String>> attached = new LinkedHashMap<>();
    // What the CRD says of the parentRefs as a whole; an API server would refuse the route.
    RuleProblem refsProblem = CrdLimits.parentRefs(parentRefs);
    for (int i = 0; i < parentRefs.size() && statuses.size() < CrdLimits.MAX_PARENT_REFS; i++) {
      ParentReference ref = parentRefs.get(i);
      String group = Objects.requireNonNullElse(ref.getGroup(), GATEWAY_GROUP);
      String refKind = Objects.requireNonNullElse(ref.getKind(), GATEWAY);
      String refNamespace = Objects.requireNonNullElse(ref.getNamespace(), namespace);
      String target = refNamespace + "/" + ref.getName();
      List<ListenerContext> listeners;
      String parentName;
      if (!group.equals(GATEWAY_GROUP)) {
        continue;
      } else if (refKind.equals(GATEWAY) && parents.gateways().containsKey(target)) {
        listeners = parents.gateways().get(target).listeners;
        parentName = "Gateway " + target;
      } else if (refKind.equals(LISTENER_SET) && parents.listenerSets().containsKey(target)) {
        listeners = parents.listenerSets().get(target).listeners;
        parentName = "ListenerSet " + target;
      } else {
        continue;
      }
      if (!seen.add(List.of(refKind, target, "" + ref.getSectionName(), "" + ref.getPort()))) {
        continue; // the CRD forbids duplicate parentRefs; report the first
      }
      if (v == null) {
        v = validity.get();
      }
      Attachment a =
          refsProblem != null
              ? Attachment.rejected(refsProblem.reason(), refsProblem.message())
              : attach(
                  v,
                  kind,
                  ref,
                  "spec.parentRefs[" + i + "]",
                  parentName,
                  listeners,
                  namespace,
                  index);
      if (a.reason() == RouteConditionReason.ACCEPTED) {
        a.listeners()
            .forEach((l, h) -> attached.computeIfAbsent(l, k -> new LinkedHashSet<>()).addAll(h));
      }
      statuses.add(parentStatus(route, ref, group, refKind, v, a));
    }
    if (!statuses.isEmpty()) {
      ResourceKey key = ResourceKey.of(route);
      attached.keySet().forEach(l -> l.attachedRoutes.add(key));
    }
    return new Result(statuses, attached);
  }

  private record Attachment(
      RouteConditionReason reason, String message, Map<ListenerContext, List<String>> listeners) {
    static Attachment rejected(RouteConditionReason reason, String message) {
      return new Attachment(reason, message, Map.of());
    }
  }

  private static Attachment attach(
      Validity v,
      String kind,
      ParentReference ref,
      String at,
      String parentName,
      List<ListenerContext> parentListeners,
      String namespace,
      ResourceIndex index) {
    if (v.routeProblem() != null) {
      return Attachment.rejected(v.routeProblem().reason(), v.routeProblem().message());
    }
    if (v.usableRules() == 0 && !v.droppedRules().isEmpty()) {
      return Attachment.rejected(
          v.droppedRules().get(0).reason(),
          "every rule is invalid: "
              + v.droppedRules().stream()
                  .map(RuleProblem::message)
                  .collect(Collectors.joining("; ")));
    }
    List<ListenerContext> candidates = new ArrayList<>(parentListeners.size());
    for (ListenerContext l : parentListeners) {
      if ((ref.getSectionName() == null || ref.getSectionName().equals(l.name()))
          && (ref.getPort() == null || ref.getPort().equals(l.port()))) {
        candidates.add(l);
      }
    }
    if (candidates.isEmpty()) {
      return Attachment.rejected(
          RouteConditionReason.NO_MATCHING_PARENT,
          noMatchingParent(ref, at, parentName, parentListeners));
    }
    List<String> refusals = new ArrayList<>();
    List<ListenerContext> allowed = new ArrayList<>();
    for (ListenerContext l : candidates) {
      String refusal = refusal(l, kind, namespace, index);
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
      List<String> hostnames =
          v.hostnames() == null ? List.of() : Hostnames.effective(l.hostname(), v.hostnames());
      if (v.hostnames() == null || !hostnames.isEmpty()) {
        listeners.put(l, hostnames);
      }
    }
    if (listeners.isEmpty()) {
      return Attachment.rejected(
          RouteConditionReason.NO_MATCHING_LISTENER_HOSTNAME,
          "spec.hostnames "
              + quoted(v.hostnames())
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

  /** Why a listener does not take a route of this kind, or null when it does (allowedRoutes). */
  private static String refusal(
      ListenerContext l, String kind, String namespace, ResourceIndex index) {
    List<String> protocolKinds = Protocols.routeKinds(l.protocol());
    if (!protocolKinds.contains(kind)) {
      return l.describe()
          + " has protocol \""
          + l.protocol()
          + "\" (expected: "
          + expectedProtocols(kind)
          + " for "
          + kind
          + ")";
    }
    if (!l.attachable) {
      return l.describe() + " is invalid";
    }
    if (!supportsKind(l, kind)) {
      return l.describe() + " does not allow kind " + kind + " (allowedRoutes.kinds)";
    }
    String own = l.listenerSet == null ? l.gateway.namespace() : l.listenerSet.namespace();
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

  private static boolean supportsKind(ListenerContext l, String kind) {
    for (var k : l.supportedKinds) {
      if (kind.equals(k.getKind())) {
        return true;
      }
    }
    return false;
  }

  private static String expectedProtocols(String kind) {
    return switch (kind) {
      case Protocols.HTTP_ROUTE, Protocols.GRPC_ROUTE -> "HTTP or HTTPS";
      case Protocols.TLS_ROUTE -> "TLS";
      case Protocols.TCP_ROUTE -> "TCP";
      default -> "UDP";
    };
  }

  private static String noMatchingParent(
      ParentReference ref, String at, String parentName, List<ListenerContext> listeners) {
    String expected =
        listeners.stream()
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
        + " no listener of "
        + parentName
        + " (expected: "
        + (expected.isEmpty() ? "none exist" : expected)
        + ")";
  }

  private static RouteParentStatus parentStatus(
      HasMetadata route, ParentReference ref, String group, String kind, Validity v, Attachment a) {
    Long generation = route.getMetadata().getGeneration();
    boolean accepted = a.reason() == RouteConditionReason.ACCEPTED;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(
        Conditions.create(
            RouteConditionType.ACCEPTED, accepted, a.reason(), a.message(), generation));
    if (accepted && !v.droppedRules().isEmpty()) {
      // The spec's "Dropped Rule" approach: valid rules keep serving, this says which went.
      conditions.add(
          Conditions.create(
              RouteConditionType.PARTIALLY_INVALID,
              true,
              v.droppedRules().get(0).reason(),
              "Dropped Rule: "
                  + v.droppedRules().stream()
                      .map(RuleProblem::message)
                      .collect(Collectors.joining("; ")),
              generation));
    }
    List<RuleProblem> refs = v.backendProblems();
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

  /** A route's creationTimestamp, or null when absent or unreadable. */
  static Instant created(HasMetadata route) {
    String timestamp = route.getMetadata().getCreationTimestamp();
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    Instant fast = parseSimpleUtc(timestamp);
    if (fast != null) {
      return fast;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ssZ}, the form the API server writes, without the general parser (which
   * allocates a map per call, once per route); null for anything else, left to {@link
   * Instant#parse}.
   */
  private static Instant parseSimpleUtc(String t) {
    if (t.length() != 20
        || t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || t.charAt(10) != 'T'
        || t.charAt(13) != ':'
        || t.charAt(16) != ':'
        || t.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) {
      return null;
    }
    if (minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    return java.time.LocalDateTime.of(year, month, day, hour, minute, second)
        .toInstant(java.time.ZoneOffset.UTC);
  }

  /** The decimal number in {@code s[from, from + count)}, or -1 when it is not all digits. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  static String namespacedName(HasMetadata route) {
    return route.getMetadata().getNamespace() + "/" + route.getMetadata().getName();
  }

  static List<ParentReference> nonNullRefs(List<ParentReference> refs) {
    return nonNull(refs);
  }

  private static String quoted(List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", ", "[", "]"));
  }
}
