package dev.archway.provider.kubernetes;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Combines the status Archway computed with the status on the server, as plain JSON so that one
 * code path serves every kind.
 *
 * <ul>
 *   <li><b>Route {@code parents[]} and policy {@code ancestors[]}</b> are shared between
 *       controllers: entries whose {@code controllerName} is not Archway's are kept untouched;
 *       Archway's entries are replaced by the computed ones, so an entry for a parentRef that was
 *       removed from the spec disappears.
 *   <li><b>Top-level conditions</b> of a type the Gateway API does not define (another tool's) are
 *       kept; the rest of the status is Archway's.
 *   <li><b>{@code lastTransitionTime}</b> is kept from the server when a condition's status did not
 *       change, and set to {@code now} otherwise (Kubernetes API conventions).
 * </ul>
 *
 * <p>{@link #same} compares ignoring {@code lastTransitionTime} and empty values, which is how the
 * writer decides that nothing needs writing.
 */
final class StatusMerge {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Condition types the Gateway API defines on its kinds: Archway's to set or drop. */
  private static final Set<String> GATEWAY_API_CONDITIONS =
      Set.of(
          "Accepted",
          "Programmed",
          "ResolvedRefs",
          "SupportedVersion",
          "Ready",
          "Scheduled",
          "Conflicted",
          "OverlappingTLSConfig",
          "PartiallyInvalid",
          "InsecureFrontendValidationMode",
          "Detached");

  private final String controllerName;

  StatusMerge(String controllerName) {
    this.controllerName = controllerName;
  }

  /**
   * The status to write.
   *
   * @param desired Archway's computed status, or null when Archway no longer computes one (its
   *     route parent entries are then removed)
   * @param existing the status on the server, or null
   * @param now the RFC 3339 time for conditions that changed
   */
  ObjectNode merge(ObjectNode desired, JsonNode existing, String now) {
    ObjectNode merged = desired == null ? NODES.objectNode() : desired.deepCopy();
    JsonNode before = existing == null || !existing.isObject() ? NODES.objectNode() : existing;
    for (String shared : new String[] {"parents", "ancestors"}) {
      if (merged.has(shared) || before.has(shared)) {
        merged.set(shared, mergeShared(merged.get(shared), before.get(shared)));
      }
    }
    if (desired == null) {
      // Nothing of Archway's left: everything else on the server stays as it is.
      before
          .properties()
          .forEach(
              e -> {
                if (!merged.has(e.getKey())) {
                  merged.set(e.getKey(), e.getValue().deepCopy());
                }
              });
      return merged;
    }
    keepForeignConditions(merged, before.get("conditions"));
    stamp(merged, before, now);
    return merged;
  }

  /** Archway's entries as computed, then the other controllers' entries as they are. */
  private ArrayNode mergeShared(JsonNode ours, JsonNode existing) {
    ArrayNode out = NODES.arrayNode();
    if (ours != null) {
      for (JsonNode entry : ours) {
        if (controllerName.equals(entry.path("controllerName").asString(null))) {
          out.add(entry);
        }
      }
    }
    if (existing != null) {
      for (JsonNode entry : existing) {
        if (!controllerName.equals(entry.path("controllerName").asString(null))) {
          out.add(entry.deepCopy());
        }
      }
    }
    return out;
  }

  private static void keepForeignConditions(ObjectNode merged, JsonNode existing) {
    if (existing == null || !existing.isArray()) {
      return;
    }
    Set<String> present = new HashSet<>();
    merged.path("conditions").forEach(c -> present.add(c.path("type").asString("")));
    for (JsonNode c : existing) {
      String type = c.path("type").asString("");
      if (!present.contains(type) && !GATEWAY_API_CONDITIONS.contains(type)) {
        if (!merged.has("conditions")) {
          merged.set("conditions", NODES.arrayNode());
        }
        ((ArrayNode) merged.get("conditions")).add(c.deepCopy());
      }
    }
  }

  /** Stamps every condition without a time, using its counterpart in {@code previous}. */
  private void stamp(JsonNode current, JsonNode previous, String now) {
    if (current.isObject()) {
      for (Map.Entry<String, JsonNode> field : current.properties()) {
        JsonNode before = previous == null ? null : previous.get(field.getKey());
        if (field.getKey().equals("conditions") && field.getValue().isArray()) {
          stampConditions(field.getValue(), before, now);
        } else if (field.getValue().isContainer()) {
          stamp(field.getValue(), before, now);
        }
      }
    } else if (current.isArray()) {
      for (JsonNode element : current) {
        if (element.isContainer()) {
          stamp(element, counterpart(previous, element), now);
        }
      }
    }
  }

  private static void stampConditions(JsonNode conditions, JsonNode previous, String now) {
    for (JsonNode condition : conditions) {
      if (!condition.isObject() || condition.hasNonNull("lastTransitionTime")) {
        continue; // a foreign condition, kept with its own time
      }
      JsonNode before = find(previous, c -> c.path("type").equals(condition.path("type")));
      boolean unchanged =
          before != null
              && before.hasNonNull("lastTransitionTime")
              && before.path("status").equals(condition.path("status"));
      ((ObjectNode) condition)
          .put("lastTransitionTime", unchanged ? before.get("lastTransitionTime").asString() : now);
    }
  }

  /**
   * The same entry in the server's list: a listener by {@code name}, a route parent by {@code
   * parentRef} and {@code controllerName}, a policy ancestor by {@code ancestorRef} and {@code
   * controllerName}.
   */
  private static JsonNode counterpart(JsonNode previous, JsonNode element) {
    for (String identity : new String[] {"parentRef", "ancestorRef", "name"}) {
      if (element.has(identity)) {
        return find(
            previous,
            p ->
                p.path(identity).equals(element.path(identity))
                    && p.path("controllerName").equals(element.path("controllerName")));
      }
    }
    return null;
  }

  private static JsonNode find(JsonNode array, java.util.function.Predicate<JsonNode> test) {
    if (array == null || !array.isArray()) {
      return null;
    }
    for (JsonNode element : array) {
      if (test.test(element)) {
        return element;
      }
    }
    return null;
  }

  /** Whether two statuses say the same, ignoring condition times, nulls and empty values. */
  static boolean same(JsonNode a, JsonNode b) {
    return canonical(a).equals(canonical(b));
  }

  /** A copy without lastTransitionTime, nulls, empty arrays and empty objects. */
  static JsonNode canonical(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return NODES.objectNode();
    }
    JsonNode copy = node.deepCopy();
    prune(copy);
    return copy;
  }

  private static boolean prune(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      java.util.List<String> drop = new java.util.ArrayList<>();
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        if (e.getKey().equals("lastTransitionTime") || prune(e.getValue())) {
          drop.add(e.getKey());
        }
      }
      drop.forEach(object::remove);
      return object.isEmpty();
    }
    if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = array.size() - 1; i >= 0; i--) {
        if (prune(array.get(i))) {
          array.remove(i);
        }
      }
      return array.isEmpty();
    }
    return node.isNull();
  }
}
