package dev.archway.translator;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.ListenerConditionReason;
import dev.archway.api.status.ListenerConditionType;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The status of one listener, of a Gateway or of a ListenerSet entry. */
final class ListenerStatuses {
  private ListenerStatuses() {}

  /** Why the data plane could not serve a listener's port, or null when it serves it. */
  static String runtimeError(ListenerContext l, RuntimeFacts facts) {
    return l.port() == null ? null : facts.listenerErrors().get(l.portIrName());
  }

  static boolean programmed(ListenerContext l, RuntimeFacts facts) {
    return unservedParent(l) == null && l.servable() && runtimeError(l, facts) == null;
  }

  /**
   * Why the listener is not served although it may be valid itself: its Gateway, or the ListenerSet
   * it belongs to, is not Accepted and so not in the data plane's configuration.
   */
  private static String unservedParent(ListenerContext l) {
    if (l.gateway.notAcceptedReason != null) {
      return "the Gateway is not accepted (see its Accepted condition)";
    }
    if (l.listenerSet != null && l.listenerSet.notAcceptedReason != null) {
      return "the ListenerSet is not accepted (see its Accepted condition)";
    }
    return null;
  }

  static ListenerStatus build(ListenerContext l, long generation, RuntimeFacts facts) {
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
    if (l.conflict != null) {
      // Conflicted=False (NoConflicts) may be omitted since v1.6; only the True case is written.
      conditions.add(
          Conditions.create(
              ListenerConditionType.CONFLICTED,
              true,
              l.conflict,
              String.join("; ", l.notAcceptedMessages),
              generation));
    }
    if (!l.overlappingTls.isEmpty()) {
      // Negative polarity: set only when True (ListenerConditionOverlappingTLSConfig).
      conditions.add(
          Conditions.create(
              ListenerConditionType.OVERLAPPING_TLS_CONFIG,
              true,
              ListenerConditionReason.OVERLAPPING_HOSTNAMES,
              "the hostname overlaps that of "
                  + String.join(", ", l.overlappingTls)
                  + " on port "
                  + l.port()
                  + ": a client may reuse one TLS connection for both",
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
                l.refProblems.get(0).reason(),
                l.refProblems.stream()
                    .map(ListenerContext.RefProblem::message)
                    .collect(Collectors.joining("; ")),
                generation));
    conditions.add(programmedCondition(l, generation, facts));
    ListenerStatus status = new ListenerStatus();
    status.setName(l.name());
    status.setSupportedKinds(List.copyOf(l.supportedKinds));
    status.setAttachedRoutes(l.attachedRoutes.size());
    status.setConditions(Conditions.sortedByType(conditions));
    return status;
  }

  private static Condition programmedCondition(
      ListenerContext l, long generation, RuntimeFacts facts) {
    String runtimeError = runtimeError(l, facts);
    String problem;
    if (!l.accepted()) {
      problem = "the listener is not accepted";
    } else if (unservedParent(l) != null) {
      problem = unservedParent(l);
    } else if (!l.servable()) {
      problem = "no valid certificate to terminate TLS with (see ResolvedRefs)";
    } else if (runtimeError != null) {
      problem = runtimeError;
    } else {
      return Conditions.create(
          ListenerConditionType.PROGRAMMED,
          true,
          ListenerConditionReason.PROGRAMMED,
          "the data plane reported no error for port " + l.port(),
          generation);
    }
    // A conflicted listener reports the conflict on Programmed too, as the ListenerSet conformance
    // tests expect of the losing listener.
    return Conditions.create(
        ListenerConditionType.PROGRAMMED,
        false,
        l.conflict != null ? l.conflict : ListenerConditionReason.INVALID,
        problem,
        generation);
  }
}
