package dev.archway.app.runtime;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stamps {@code lastTransitionTime} on conditions, the one part of a status the translator cannot
 * compute because it has no clock.
 *
 * <p>A condition keeps its previous time while its status stays the same, and gets {@code now} when
 * it is new or its status changed, as the Kubernetes API conventions define the field. Conditions
 * are matched by type within the same place in the status; list entries are matched by {@code name}
 * (listeners) or {@code parentRef} (route parents), otherwise by position.
 */
final class ConditionTimes {
  private ConditionTimes() {}

  /** Stamps every condition in {@code current}, using {@code previous} (may be null). */
  static void stamp(JsonNode current, JsonNode previous, String now) {
    if (current == null) {
      return;
    }
    if (current.isObject()) {
      for (Map.Entry<String, JsonNode> field : current.properties()) {
        JsonNode before = previous == null ? null : previous.get(field.getKey());
        if (field.getKey().equals("conditions") && field.getValue().isArray()) {
          stampConditions(field.getValue(), before, now);
        } else {
          stamp(field.getValue(), before, now);
        }
      }
    } else if (current.isArray()) {
      for (int i = 0; i < current.size(); i++) {
        stamp(current.get(i), counterpart(previous, current.get(i), i), now);
      }
    }
  }

  private static void stampConditions(JsonNode conditions, JsonNode previous, String now) {
    for (JsonNode condition : conditions) {
      if (!condition.isObject()) {
        continue;
      }
      JsonNode before = findBy(previous, "type", condition.get("type"));
      boolean unchanged =
          before != null
              && before.has("lastTransitionTime")
              && before.path("status").equals(condition.path("status"));
      ((ObjectNode) condition)
          .put("lastTransitionTime", unchanged ? before.get("lastTransitionTime").asString() : now);
    }
  }

  private static JsonNode counterpart(JsonNode previous, JsonNode element, int index) {
    if (previous == null || !previous.isArray()) {
      return null;
    }
    for (String identity : new String[] {"name", "parentRef", "ancestorRef"}) {
      if (element.has(identity)) {
        return findBy(previous, identity, element.get(identity));
      }
    }
    return index < previous.size() ? previous.get(index) : null;
  }

  private static JsonNode findBy(JsonNode array, String field, JsonNode value) {
    if (array == null || !array.isArray() || value == null) {
      return null;
    }
    for (JsonNode element : array) {
      if (value.equals(element.get(field))) {
        return element;
      }
    }
    return null;
  }
}
