package dev.archway.translator;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Evaluates Kubernetes label selectors ({@code matchLabels} and {@code matchExpressions}). */
final class LabelSelectors {
  private LabelSelectors() {}

  /** Whether labels satisfy a selector; an empty selector matches everything. */
  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> matchLabels =
        Objects.requireNonNullElse(selector.getMatchLabels(), Map.of());
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    List<LabelSelectorRequirement> expressions =
        Objects.requireNonNullElse(selector.getMatchExpressions(), List.of());
    for (LabelSelectorRequirement r : expressions) {
      if (!matches(r, labels)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(LabelSelectorRequirement r, Map<String, String> labels) {
    String value = labels.get(r.getKey());
    List<String> values = Objects.requireNonNullElse(r.getValues(), List.of());
    return switch (Objects.requireNonNullElse(r.getOperator(), "")) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      // The API server rejects other operators; match nothing rather than everything.
      default -> false;
    };
  }
}
