package dev.archway.translator;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.GatewayConditionReason;
import dev.archway.api.status.GatewayConditionType;
import dev.archway.api.status.ListenerConditionReason;
import dev.archway.api.status.ListenerConditionType;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Computes a Gateway's status once its routes are attached and the runtime facts are known. */
final class GatewayStatuses {
  private static final Pattern IPV4 = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");

  private GatewayStatuses() {}

  /** Why the data plane could not serve a listener's port, or null when it serves it. */
  static String runtimeError(ListenerContext l, RuntimeFacts facts) {
    return l.port() == null
        ? null
        : facts.listenerErrors().get(l.gateway.httpListenerIrName(l.port()));
  }

  static boolean programmed(ListenerContext l, RuntimeFacts facts) {
    return l.accepted() && runtimeError(l, facts) == null;
  }

  static GatewayStatus build(GatewayContext gw, RuntimeFacts facts) {
    GatewayStatus status = new GatewayStatus();
    List<ListenerStatus> listeners = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ListenerContext l : gw.listeners) {
      // status.listeners is a map keyed by name: a duplicated name gets one entry, the first's.
      if (l.name() == null || names.add(l.name())) {
        listeners.add(listenerStatus(l, facts));
      }
    }
    status.setListeners(listeners);
    status.setConditions(Conditions.sortedByType(List.of(accepted(gw), programmed(gw, facts))));
    List<GatewayStatusAddress> addresses = new ArrayList<>();
    for (String address : facts.gatewayAddresses().getOrDefault(gw.namespacedName(), List.of())) {
      GatewayStatusAddress a = new GatewayStatusAddress();
      a.setType(isIp(address) ? "IPAddress" : "Hostname");
      a.setValue(address);
      addresses.add(a);
    }
    status.setAddresses(addresses);
    return status;
  }

  private static Condition accepted(GatewayContext gw) {
    List<ListenerContext> invalid = gw.listeners.stream().filter(l -> !l.valid()).toList();
    boolean anyAccepted = gw.listeners.stream().anyMatch(ListenerContext::accepted);
    if (invalid.isEmpty() && anyAccepted) {
      return Conditions.create(
          GatewayConditionType.ACCEPTED,
          true,
          GatewayConditionReason.ACCEPTED,
          "every listener is valid",
          gw.generation);
    }
    String message =
        gw.listeners.isEmpty()
            ? "spec.listeners: empty (expected: 1-64 listeners)"
            : invalid.size()
                + " of "
                + gw.listeners.size()
                + " listeners are not valid: "
                + invalid.stream()
                    .map(l -> l.field("name") + " \"" + l.name() + "\"")
                    .collect(Collectors.joining(", "))
                + (anyAccepted ? "" : " (expected: at least one valid listener)");
    return Conditions.create(
        GatewayConditionType.ACCEPTED,
        anyAccepted,
        GatewayConditionReason.LISTENERS_NOT_VALID,
        message,
        gw.generation);
  }

  private static Condition programmed(GatewayContext gw, RuntimeFacts facts) {
    long count = gw.listeners.stream().filter(l -> programmed(l, facts)).count();
    return count > 0
        ? Conditions.create(
            GatewayConditionType.PROGRAMMED,
            true,
            GatewayConditionReason.PROGRAMMED,
            count + " of " + gw.listeners.size() + " listeners are programmed",
            gw.generation)
        : Conditions.create(
            GatewayConditionType.PROGRAMMED,
            false,
            GatewayConditionReason.INVALID,
            "no listener is programmed",
            gw.generation);
  }

  private static ListenerStatus listenerStatus(ListenerContext l, RuntimeFacts facts) {
    long generation = l.gateway.generation;
    List<Condition> conditions = new ArrayList<>();
    conditions.add(
        l.accepted()
            ? Conditions.create(
                ListenerConditionType.ACCEPTED,
                true,
                ListenerConditionReason.ACCEPTED,
                "the listener is valid",
                generation)
            : Conditions.create(
                ListenerConditionType.ACCEPTED,
                false,
                l.notAcceptedReason,
                String.join("; ", l.notAcceptedMessages),
                generation));
    if (l.conflicted) {
      // Conflicted=False (NoConflicts) may be omitted since v1.6; only the True case is written.
      conditions.add(
          Conditions.create(
              ListenerConditionType.CONFLICTED,
              true,
              ListenerConditionReason.HOSTNAME_CONFLICT,
              String.join("; ", l.notAcceptedMessages),
              generation));
    }
    conditions.add(
        l.refsResolved()
            ? Conditions.create(
                ListenerConditionType.RESOLVED_REFS,
                true,
                ListenerConditionReason.RESOLVED_REFS,
                "all references are resolved",
                generation)
            : Conditions.create(
                ListenerConditionType.RESOLVED_REFS,
                false,
                ListenerConditionReason.INVALID_ROUTE_KINDS,
                String.join("; ", l.invalidKindMessages),
                generation));
    String runtimeError = runtimeError(l, facts);
    if (!l.accepted()) {
      conditions.add(
          Conditions.create(
              ListenerConditionType.PROGRAMMED,
              false,
              ListenerConditionReason.INVALID,
              "the listener is not accepted",
              generation));
    } else if (runtimeError != null) {
      conditions.add(
          Conditions.create(
              ListenerConditionType.PROGRAMMED,
              false,
              ListenerConditionReason.INVALID,
              runtimeError,
              generation));
    } else {
      conditions.add(
          Conditions.create(
              ListenerConditionType.PROGRAMMED,
              true,
              ListenerConditionReason.PROGRAMMED,
              "the data plane reported no error for port " + l.port(),
              generation));
    }
    ListenerStatus status = new ListenerStatus();
    status.setName(l.name());
    status.setSupportedKinds(List.copyOf(l.supportedKinds));
    status.setAttachedRoutes(l.attachedRoutes.size());
    status.setConditions(Conditions.sortedByType(conditions));
    return status;
  }

  private static boolean isIp(String address) {
    return IPV4.matcher(address).matches() || address.contains(":");
  }
}
