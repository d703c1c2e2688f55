package dev.archway.translator;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.GatewayConditionReason;
import dev.archway.api.status.GatewayConditionType;
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

  static GatewayStatus build(GatewayContext gw, RuntimeFacts facts) {
    GatewayStatus status = new GatewayStatus();
    List<ListenerStatus> listeners = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ListenerContext l : gw.listeners) {
      // status.listeners is a map keyed by name: a duplicated name gets one entry, the first's.
      // It holds at most 64 entries (a Gateway with more is not Accepted).
      if ((l.name() == null || names.add(l.name())) && listeners.size() < CrdLimits.MAX_LISTENERS) {
        listeners.add(ListenerStatuses.build(l, gw.generation, facts));
      }
    }
    status.setListeners(listeners);
    List<Condition> conditions = new ArrayList<>();
    Condition accepted = GatewayValidation.accepted(gw);
    conditions.add(accepted);
    conditions.add(programmed(gw, "True".equals(accepted.getStatus()), facts));
    conditions.add(resolvedRefs(gw));
    GatewayValidation.insecureFrontend(gw).ifPresent(conditions::add);
    status.setConditions(Conditions.sortedByType(conditions));
    status.setAddresses(addresses(gw, facts));
    if (gw.attachedListenerSets > 0) {
      status.setAttachedListenerSets(gw.attachedListenerSets);
    }
    return status;
  }

  private static List<GatewayStatusAddress> addresses(GatewayContext gw, RuntimeFacts facts) {
    List<GatewayStatusAddress> addresses = new ArrayList<>();
    for (String address : facts.gatewayAddresses().getOrDefault(gw.namespacedName(), List.of())) {
      GatewayStatusAddress a = new GatewayStatusAddress();
      a.setType(isIp(address) ? "IPAddress" : "Hostname");
      a.setValue(address);
      addresses.add(a);
    }
    return addresses;
  }

  /**
   * Programmed says whether the Gateway's configuration reached the data plane: True once the
   * Gateway is Accepted, unless the data plane could serve none of the listeners it was given. A
   * Gateway whose only listener lacks a usable certificate is still Programmed (with zero listeners
   * programmed): the Gateway itself is in place, and its listener's own Programmed condition says
   * what is missing. A Gateway whose requested {@code spec.addresses} the runtime cannot use is not
   * served: AddressNotUsable, with the runtime's message naming the address.
   */
  private static Condition programmed(GatewayContext gw, boolean accepted, RuntimeFacts facts) {
    List<ListenerContext> all = gw.allListeners();
    long servable = all.stream().filter(ListenerContext::servable).count();
    long programmed = all.stream().filter(l -> ListenerStatuses.programmed(l, facts)).count();
    if (!accepted) {
      return Conditions.create(
          GatewayConditionType.PROGRAMMED,
          false,
          GatewayConditionReason.INVALID,
          "the Gateway is not accepted",
          gw.generation);
    }
    String addressError = facts.gatewayAddressErrors().get(gw.namespacedName());
    if (addressError != null) {
      return Conditions.create(
          GatewayConditionType.PROGRAMMED,
          false,
          GatewayConditionReason.ADDRESS_NOT_USABLE,
          addressError,
          gw.generation);
    }
    if (servable > 0 && programmed == 0) {
      return Conditions.create(
          GatewayConditionType.PROGRAMMED,
          false,
          GatewayConditionReason.INVALID,
          "no listener is programmed: the data plane could serve none of them",
          gw.generation);
    }
    return Conditions.create(
        GatewayConditionType.PROGRAMMED,
        true,
        GatewayConditionReason.PROGRAMMED,
        programmed + " of " + all.size() + " listeners are programmed",
        gw.generation);
  }

  /**
   * ResolvedRefs (experimental in v1.6): the Gateway's own references (spec.tls.backend) and a
   * summary of its listeners' ResolvedRefs.
   */
  private static Condition resolvedRefs(GatewayContext gw) {
    if (gw.clientCertificateProblem != null) {
      return Conditions.create(
          GatewayConditionType.RESOLVED_REFS,
          false,
          gw.clientCertificateReason,
          gw.clientCertificateProblem,
          gw.generation);
    }
    List<ListenerContext> unresolved =
        gw.listeners.stream().filter(l -> !l.refsResolved()).toList();
    if (!unresolved.isEmpty()) {
      return Conditions.create(
          GatewayConditionType.RESOLVED_REFS,
          false,
          GatewayConditionReason.LISTENERS_NOT_RESOLVED,
          "listeners with unresolved references: "
              + unresolved.stream()
                  .map(l -> "\"" + l.name() + "\"")
                  .collect(Collectors.joining(", ")),
          gw.generation);
    }
    return Conditions.create(
        GatewayConditionType.RESOLVED_REFS,
        true,
        GatewayConditionReason.RESOLVED_REFS,
        "all references are resolved",
        gw.generation);
  }

  private static boolean isIp(String address) {
    return IPV4.matcher(address).matches() || address.contains(":");
  }
}
