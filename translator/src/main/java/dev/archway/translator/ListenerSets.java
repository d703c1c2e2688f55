package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.GATEWAY_GROUP;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.ListenerSetConditionReason;
import dev.archway.api.status.ListenerSetConditionType;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedListeners;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerEntry;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerEntryStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerNamespaces;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSetStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentGatewayReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * ListenerSets (apis/v1/listenerset_types.go, GEP-1713): extra listeners for a Gateway that allows
 * them ({@code spec.allowedListeners}, None by default). A ListenerSet is Accepted when its parent
 * allows its namespace, the parent is Accepted, and at least one of its entries is valid. The
 * entries of accepted ListenerSets are merged after the Gateway's own listeners, ListenerSets
 * oldest first, then by namespace/name; in a conflict the listener merged earlier wins.
 */
final class ListenerSets {
  private ListenerSets() {}

  /**
   * Validates every ListenerSet whose parent is one of Archway's Gateways, attaches the accepted
   * ones, and resolves conflicts; returns every such ListenerSet by {@code namespace/name}.
   */
  static Map<String, ListenerSetContext> process(
      List<ListenerSet> listenerSets,
      Map<String, GatewayContext> gateways,
      ResourceIndex index,
      Instant now) {
    Map<String, ListenerSetContext> result = new LinkedHashMap<>();
    List<ListenerSet> ordered = new ArrayList<>(listenerSets);
    ordered.sort(
        Comparator.comparing((ListenerSet s) -> RouteParents.created(s), RouteEntry::compareCreated)
            .thenComparing(RouteParents::namespacedName));
    for (ListenerSet set : ordered) {
      ParentGatewayReference parent = set.getSpec() == null ? null : set.getSpec().getParentRef();
      if (parent == null
          || !Objects.requireNonNullElse(parent.getGroup(), GATEWAY_GROUP).equals(GATEWAY_GROUP)
          || !Objects.requireNonNullElse(parent.getKind(), RouteParents.GATEWAY)
              .equals(RouteParents.GATEWAY)) {
        continue;
      }
      String namespace = set.getMetadata().getNamespace();
      GatewayContext gw =
          gateways.get(
              Objects.requireNonNullElse(parent.getNamespace(), namespace)
                  + "/"
                  + parent.getName());
      if (gw == null) {
        continue;
      }
      ListenerSetContext ls = new ListenerSetContext(set, gw);
      result.put(ls.namespacedName(), ls);
      List<ListenerEntry> entries = nonNull(set.getSpec().getListeners());
      for (int i = 0; i < entries.size(); i++) {
        ListenerContext l = new ListenerContext(gw, ls, i, listener(entries.get(i)));
        Listeners.validate(l, index, now);
        ls.listeners.add(l);
      }
      Listeners.rejectDuplicateNames(ls.listeners);
      String refusal = refusal(gw, ls, index);
      if (refusal == null && entries.size() > CrdLimits.MAX_LISTENERS) {
        // The API server would refuse the ListenerSet (spec.listeners maxItems); so is it here.
        ls.notAcceptedReason = ListenerSetConditionReason.INVALID.value();
        ls.notAcceptedMessage =
            "spec.listeners: "
                + entries.size()
                + " listeners (expected: at most "
                + CrdLimits.MAX_LISTENERS
                + ")";
        ls.listeners.forEach(l -> l.attachable = false);
      } else if (refusal != null) {
        ls.notAcceptedReason =
            refusal.startsWith("the parent")
                ? ListenerSetConditionReason.PARENT_NOT_ACCEPTED.value()
                : ListenerSetConditionReason.NOT_ALLOWED.value();
        ls.notAcceptedMessage = refusal;
        ls.listeners.forEach(l -> l.attachable = false);
      } else {
        gw.listenerSets.add(ls);
      }
    }
    for (GatewayContext gw : gateways.values()) {
      List<ListenerContext> merged = new ArrayList<>();
      gw.listenerSets.forEach(s -> merged.addAll(s.listeners));
      ListenerConflicts.detectMerged(gw.listeners, merged);
      // A ListenerSet with no valid entry (Accepted with its references resolved) is not Accepted
      // and not attached: conformance ListenerSetReferenceGrant expects ListenersNotValid of one
      // whose only listener's certificate is RefNotPermitted.
      gw.listenerSets.removeIf(
          s -> {
            if (s.listeners.stream().noneMatch(ListenerContext::valid)) {
              s.notAcceptedReason = ListenerSetConditionReason.LISTENERS_NOT_VALID.value();
              s.notAcceptedMessage =
                  s.listeners.isEmpty()
                      ? "spec.listeners: empty (expected: at least one listener)"
                      : "no listener is valid (expected: at least one)";
              return true;
            }
            return false;
          });
      gw.attachedListenerSets = gw.listenerSets.size();
    }
    return result;
  }

  /** Why the Gateway does not take the ListenerSet, or null when it does. */
  private static String refusal(GatewayContext gw, ListenerSetContext ls, ResourceIndex index) {
    AllowedListeners allowed =
        gw.gateway.getSpec() == null ? null : gw.gateway.getSpec().getAllowedListeners();
    ListenerNamespaces namespaces = allowed == null ? null : allowed.getNamespaces();
    String from =
        namespaces == null || namespaces.getFrom() == null ? "None" : namespaces.getFrom();
    boolean ok =
        switch (from) {
          case "All" -> true;
          case "Same" -> gw.namespace().equals(ls.namespace());
          case "Selector" ->
              namespaces.getSelector() != null
                  && LabelSelectors.matches(
                      namespaces.getSelector(), index.namespaceLabels(ls.namespace()));
          default -> false;
        };
    if (!ok) {
      return "Gateway "
          + gw.namespacedName()
          + " does not allow ListenerSets from namespace \""
          + ls.namespace()
          + "\" (spec.allowedListeners.namespaces.from: "
          + from
          + ")";
    }
    if (!"True".equals(GatewayValidation.accepted(gw).getStatus())) {
      return "the parent Gateway " + gw.namespacedName() + " is not accepted";
    }
    return null;
  }

  private static Listener listener(ListenerEntry e) {
    Listener l = new Listener();
    l.setName(e.getName());
    l.setHostname(e.getHostname());
    l.setPort(e.getPort());
    l.setProtocol(e.getProtocol());
    l.setTls(e.getTls());
    l.setAllowedRoutes(e.getAllowedRoutes());
    return l;
  }

  /** The statuses of the ListenerSets, once routes are attached. */
  static Map<ResourceKey, ListenerSetStatus> statuses(
      Map<String, ListenerSetContext> listenerSets, RuntimeFacts facts) {
    Map<ResourceKey, ListenerSetStatus> statuses = new LinkedHashMap<>();
    for (ListenerSetContext ls : listenerSets.values()) {
      List<ListenerEntryStatus> entries = new ArrayList<>();
      long programmed = 0;
      for (ListenerContext l : ls.listeners) {
        if (entries.size() == CrdLimits.MAX_LISTENERS) {
          break; // status.listeners holds at most 64 (a ListenerSet with more is not Accepted)
        }
        ListenerStatus s = ListenerStatuses.build(l, ls.generation, facts);
        ListenerEntryStatus e = new ListenerEntryStatus();
        e.setName(s.getName());
        e.setSupportedKinds(s.getSupportedKinds());
        e.setAttachedRoutes(s.getAttachedRoutes());
        e.setConditions(s.getConditions());
        entries.add(e);
        if (ls.notAcceptedReason == null && ListenerStatuses.programmed(l, facts)) {
          programmed++;
        }
      }
      List<Condition> conditions = new ArrayList<>();
      if (ls.notAcceptedReason == null) {
        conditions.add(
            Conditions.create(
                ListenerSetConditionType.ACCEPTED,
                true,
                ListenerSetConditionReason.ACCEPTED,
                "attached to Gateway " + ls.gateway.namespacedName(),
                ls.generation));
        conditions.add(
            programmed > 0
                ? Conditions.create(
                    ListenerSetConditionType.PROGRAMMED,
                    true,
                    ListenerSetConditionReason.PROGRAMMED,
                    programmed + " of " + ls.listeners.size() + " listeners are programmed",
                    ls.generation)
                : Conditions.create(
                    ListenerSetConditionType.PROGRAMMED,
                    false,
                    ListenerSetConditionReason.INVALID,
                    "no listener is programmed",
                    ls.generation));
      } else {
        ListenerSetConditionReason reason = reason(ls.notAcceptedReason);
        conditions.add(
            Conditions.create(
                ListenerSetConditionType.ACCEPTED,
                false,
                reason,
                ls.notAcceptedMessage,
                ls.generation));
        conditions.add(
            Conditions.create(
                ListenerSetConditionType.PROGRAMMED,
                false,
                reason,
                "the ListenerSet is not accepted",
                ls.generation));
      }
      ListenerSetStatus status = new ListenerSetStatus();
      status.setConditions(Conditions.sortedByType(conditions));
      status.setListeners(entries);
      statuses.put(ls.key, status);
    }
    return statuses;
  }

  private static ListenerSetConditionReason reason(String value) {
    for (ListenerSetConditionReason r : ListenerSetConditionReason.values()) {
      if (r.value().equals(value)) {
        return r;
      }
    }
    return ListenerSetConditionReason.INVALID;
  }
}
