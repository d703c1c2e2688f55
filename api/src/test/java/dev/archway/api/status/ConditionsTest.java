package dev.archway.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  @Test
  void buildsAConditionWithObservedGenerationAndNoTransitionTime() {
    Condition c =
        Conditions.create(
            GatewayConditionType.ACCEPTED,
            false,
            GatewayConditionReason.LISTENERS_NOT_VALID,
            "spec.listeners[0].protocol: \"UDP\" is not supported",
            3L);

    assertThat(c.getType()).isEqualTo("Accepted");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("ListenersNotValid");
    assertThat(c.getMessage()).startsWith("spec.listeners[0].protocol");
    assertThat(c.getObservedGeneration()).isEqualTo(3L);
    assertThat(c.getLastTransitionTime()).isNull();
  }

  @Test
  void findsAndSortsByType() {
    Condition programmed =
        Conditions.create(
            ListenerConditionType.PROGRAMMED,
            ConditionStatus.TRUE,
            ListenerConditionReason.PROGRAMMED,
            null,
            1L);
    Condition accepted =
        Conditions.create(
            ListenerConditionType.ACCEPTED,
            ConditionStatus.FALSE,
            ListenerConditionReason.UNSUPPORTED_PROTOCOL,
            "m",
            1L);
    List<Condition> all = List.of(programmed, accepted);

    assertThat(Conditions.sortedByType(all)).containsExactly(accepted, programmed);
    assertThat(Conditions.isTrue(all, ListenerConditionType.PROGRAMMED)).isTrue();
    assertThat(Conditions.isTrue(all, ListenerConditionType.ACCEPTED)).isFalse();
    assertThat(Conditions.find(all, ListenerConditionType.RESOLVED_REFS)).isEmpty();
    assertThat(programmed.getMessage()).isEmpty();
  }

  @Test
  void enumValuesAreTheSpecStringsInUpperSnakeCase() {
    // Each constant name is its spec value in UPPER_SNAKE_CASE, so a typo in either shows here.
    Stream.of(
            GatewayClassConditionType.values(),
            GatewayClassConditionReason.values(),
            GatewayConditionType.values(),
            GatewayConditionReason.values(),
            ListenerConditionType.values(),
            ListenerConditionReason.values(),
            RouteConditionType.values(),
            RouteConditionReason.values())
        .flatMap(Arrays::stream)
        .forEach(
            e -> {
              String value =
                  e instanceof ConditionType t ? t.value() : ((ConditionReason) e).value();
              String snake =
                  value
                      .replaceAll("([a-z])([A-Z])", "$1_$2")
                      .replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
                      .toUpperCase();
              assertThat(e.name()).as(value).isEqualTo(snake);
            });
  }

  @Test
  void routeReasonsCoverTheSpec() {
    Set<String> values =
        Arrays.stream(RouteConditionReason.values())
            .map(RouteConditionReason::value)
            .collect(Collectors.toSet());
    assertThat(values)
        .contains(
            "NotAllowedByListeners",
            "NoMatchingListenerHostname",
            "NoMatchingParent",
            "UnsupportedValue",
            "RefNotPermitted",
            "InvalidKind",
            "BackendNotFound",
            "UnsupportedProtocol");
  }
}
