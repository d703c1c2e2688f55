package dev.archway.translator;

import dev.archway.api.status.Conditions;
import dev.archway.api.status.GatewayConditionReason;
import dev.archway.api.status.GatewayConditionType;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The Gateway-level conditions that do not depend on the data plane. */
final class GatewayValidation {
  private GatewayValidation() {}

  /**
   * Accepted: False with the Gateway's own reason (InvalidParameters, UnsupportedAddress, Invalid)
   * when it has one; otherwise True when every listener is valid, True with ListenersNotValid when
   * some are, and False with ListenersNotValid when none is Accepted.
   */
  static Condition accepted(GatewayContext gw) {
    if (gw.notAcceptedReason != null) {
      return Conditions.create(
          GatewayConditionType.ACCEPTED,
          false,
          gw.notAcceptedReason,
          gw.notAcceptedMessage,
          gw.generation);
    }
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

  /**
   * InsecureFrontendValidationMode: True (ConfigurationChanged) while any frontend validation uses
   * AllowInsecureFallback; absent otherwise.
   */
  static Optional<Condition> insecureFrontend(GatewayContext gw) {
    if (gw.insecureFrontendScopes.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Conditions.create(
            GatewayConditionType.INSECURE_FRONTEND_VALIDATION_MODE,
            true,
            GatewayConditionReason.CONFIGURATION_CHANGED,
            "client certificate validation allows clients without a valid certificate"
                + " (AllowInsecureFallback) in "
                + String.join(", ", gw.insecureFrontendScopes),
            gw.generation));
  }
}
