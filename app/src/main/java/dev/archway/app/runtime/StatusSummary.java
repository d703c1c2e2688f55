package dev.archway.app.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Renders statuses as short lines for a terminal: one line per resource with its conditions, then
 * one indented line per listener or route parent. False conditions show their reason and message.
 *
 * <pre>
 * Gateway/default/gw: Accepted=True Programmed=True addresses=0.0.0.0
 *   listener http: Accepted=True ResolvedRefs=True Programmed=True attachedRoutes=2
 * HTTPRoute/default/web:
 *   parent gw: Accepted=False (NotAllowedByListeners: ...) ResolvedRefs=True
 * </pre>
 */
public final class StatusSummary {
  private StatusSummary() {}

  /** Lines for every resource, keyed by its display name, in the map's order. */
  public static List<String> lines(Map<String, JsonNode> statuses) {
    List<String> lines = new ArrayList<>();
    statuses.forEach((name, status) -> appendResource(lines, name, status));
    return lines;
  }

  /** The lines of one resource, for showing only what changed. */
  public static List<String> block(String name, JsonNode status) {
    List<String> lines = new ArrayList<>();
    appendResource(lines, name, status);
    return List.copyOf(lines);
  }

  private static void appendResource(List<String> lines, String name, JsonNode status) {
    StringBuilder line = new StringBuilder(name).append(':');
    appendConditions(line, status.path("conditions"));
    List<String> addresses = new ArrayList<>();
    status.path("addresses").forEach(a -> addresses.add(a.path("value").asString()));
    if (!addresses.isEmpty()) {
      line.append(" addresses=").append(String.join(",", addresses));
    }
    lines.add(line.toString());
    for (JsonNode listener : status.path("listeners")) {
      StringBuilder sub = new StringBuilder("  listener ").append(listener.path("name").asString());
      sub.append(':');
      appendConditions(sub, listener.path("conditions"));
      sub.append(" attachedRoutes=").append(listener.path("attachedRoutes").asInt(0));
      lines.add(sub.toString());
    }
    appendRefs(lines, status.path("parents"), "parentRef", "parent");
    // Policies (BackendTLSPolicy) report per ancestor, the way routes report per parent.
    appendRefs(lines, status.path("ancestors"), "ancestorRef", "ancestor");
  }

  private static void appendRefs(
      List<String> lines, JsonNode entries, String refField, String label) {
    for (JsonNode parent : entries) {
      JsonNode ref = parent.path(refField);
      StringBuilder sub = new StringBuilder("  ").append(label).append(' ');
      if (ref.has("namespace")) {
        sub.append(ref.path("namespace").asString()).append('/');
      }
      sub.append(ref.path("name").asString());
      if (ref.has("sectionName")) {
        sub.append('/').append(ref.path("sectionName").asString());
      }
      if (ref.has("port")) {
        sub.append(':').append(ref.path("port").asInt());
      }
      sub.append(':');
      appendConditions(sub, parent.path("conditions"));
      lines.add(sub.toString());
    }
  }

  private static void appendConditions(StringBuilder line, JsonNode conditions) {
    for (JsonNode c : conditions) {
      String status = c.path("status").asString();
      line.append(' ').append(c.path("type").asString()).append('=').append(status);
      if (!status.equals("True")) {
        line.append(" (").append(c.path("reason").asString());
        String message = c.path("message").asString("");
        if (!message.isEmpty()) {
          line.append(": ").append(message);
        }
        line.append(')');
      }
    }
  }
}
