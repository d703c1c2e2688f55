package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.GATEWAY_GROUP;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.status.ListenerConditionReason;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutes;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteNamespaces;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Validates the listeners of a Gateway: what the CRD's schema and CEL rules would reject, the
 * protocols this slice serves, allowedRoutes, and conflicts between listeners.
 */
final class Listeners {
  static final String HTTP = "HTTP";
  static final String HTTP_ROUTE = "HTTPRoute";

  // apis/v1/shared_types.go SectionName.
  private static final Pattern SECTION_NAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private Listeners() {}

  /** A context for a Gateway with every listener validated. */
  static GatewayContext process(Gateway gateway) {
    GatewayContext gw = new GatewayContext(gateway);
    List<Listener> specs =
        gateway.getSpec() == null ? List.of() : nonNull(gateway.getSpec().getListeners());
    for (int i = 0; i < specs.size(); i++) {
      ListenerContext l = new ListenerContext(gw, i, specs.get(i));
      validate(l);
      gw.listeners.add(l);
    }
    rejectDuplicateNames(gw);
    detectConflicts(gw);
    return gw;
  }

  /**
   * Listener names must be unique (CEL on Gateway.spec.listeners). status.listeners is a map keyed
   * by name, so it cannot tell two same-named listeners apart: every one of them is rejected, and
   * the one status entry for the name says why.
   */
  private static void rejectDuplicateNames(GatewayContext gw) {
    Map<String, List<ListenerContext>> byName = new LinkedHashMap<>();
    for (ListenerContext l : gw.listeners) {
      if (l.name() != null) {
        byName.computeIfAbsent(l.name(), n -> new ArrayList<>()).add(l);
      }
    }
    for (List<ListenerContext> same : byName.values()) {
      if (same.size() < 2) {
        continue;
      }
      for (ListenerContext l : same) {
        String others =
            same.stream()
                .filter(o -> o != l)
                .map(o -> "spec.listeners[" + o.index + "]")
                .collect(Collectors.joining(", "));
        l.reject(
            ListenerConditionReason.UNSUPPORTED_VALUE,
            l.field("name")
                + ": \""
                + l.name()
                + "\" is also used by "
                + others
                + " (expected: unique names)");
        l.attachable = false;
      }
    }
  }

  private static void validate(ListenerContext l) {
    Listener spec = l.spec;
    boolean wellFormed = true;
    if (spec.getName() == null || spec.getName().isEmpty()) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("name") + ": missing (expected: a DNS subdomain name)");
      wellFormed = false;
    } else if (spec.getName().length() > 253 || !SECTION_NAME.matcher(spec.getName()).matches()) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("name") + ": \"" + spec.getName() + "\" (expected: a DNS subdomain name)");
      wellFormed = false;
    }
    if (spec.getPort() == null) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("port") + ": missing (expected: 1-65535)");
      wellFormed = false;
    } else if (spec.getPort() < 1 || spec.getPort() > 65535) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("port") + ": " + spec.getPort() + " (expected: 1-65535)");
      wellFormed = false;
    }
    boolean http = HTTP.equals(spec.getProtocol());
    if (spec.getProtocol() == null || spec.getProtocol().isEmpty()) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("protocol") + ": missing (expected: HTTP)");
      wellFormed = false;
    } else if (!http) {
      // TODO(issue 02/03): HTTPS, TLS, TCP and UDP listeners.
      l.reject(
          ListenerConditionReason.UNSUPPORTED_PROTOCOL,
          l.field("protocol")
              + ": \""
              + spec.getProtocol()
              + "\" is not supported yet (expected: HTTP)");
    }
    if (spec.getHostname() != null && !Hostnames.isValid(spec.getHostname())) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("hostname")
              + ": \""
              + spec.getHostname()
              + "\" (expected: "
              + Hostnames.EXPECTED
              + ")");
      wellFormed = false;
    }
    if (http && spec.getTls() != null) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("tls") + ": set (expected: no tls for protocol HTTP)");
      wellFormed = false;
    }
    wellFormed &= validateNamespaces(l);
    if (http) {
      resolveKinds(l);
    }
    l.attachable = http && wellFormed;
  }

  private static boolean validateNamespaces(ListenerContext l) {
    AllowedRoutes allowed = l.spec.getAllowedRoutes();
    RouteNamespaces namespaces = allowed == null ? null : allowed.getNamespaces();
    if (namespaces == null || namespaces.getFrom() == null) {
      return true;
    }
    String from = namespaces.getFrom();
    String field = l.field("allowedRoutes.namespaces");
    switch (from) {
      case "Same", "All", "None" -> l.namespacesFrom = from;
      case "Selector" -> {
        if (namespaces.getSelector() == null) {
          l.reject(
              ListenerConditionReason.UNSUPPORTED_VALUE,
              field + ".selector: missing (expected: a label selector when from is Selector)");
          return false;
        }
        l.namespacesFrom = from;
        l.namespaceSelector = namespaces.getSelector();
      }
      default -> {
        l.reject(
            ListenerConditionReason.UNSUPPORTED_VALUE,
            field + ".from: \"" + from + "\" (expected: All, Same, Selector or None)");
        return false;
      }
    }
    return true;
  }

  /**
   * supportedKinds is the protocol's kinds (HTTPRoute for HTTP) among allowedRoutes.kinds; any
   * other kind listed there makes ResolvedRefs False with InvalidRouteKinds.
   */
  private static void resolveKinds(ListenerContext l) {
    AllowedRoutes allowed = l.spec.getAllowedRoutes();
    List<RouteGroupKind> kinds = allowed == null ? List.of() : nonNull(allowed.getKinds());
    if (kinds.isEmpty()) {
      l.supportedKinds.add(httpRouteKind());
      return;
    }
    for (int k = 0; k < kinds.size(); k++) {
      RouteGroupKind kind = kinds.get(k);
      String group = Objects.requireNonNullElse(kind.getGroup(), GATEWAY_GROUP);
      if (GATEWAY_GROUP.equals(group) && HTTP_ROUTE.equals(kind.getKind())) {
        if (l.supportedKinds.isEmpty()) {
          l.supportedKinds.add(httpRouteKind());
        }
      } else {
        l.invalidKindMessages.add(
            l.field("allowedRoutes.kinds[" + k + "]")
                + ": \""
                + (group.isEmpty() ? "" : group + "/")
                + kind.getKind()
                + "\" is not a route kind an HTTP listener supports (expected: "
                + GATEWAY_GROUP
                + "/"
                + HTTP_ROUTE
                + ")");
      }
    }
  }

  static RouteGroupKind httpRouteKind() {
    RouteGroupKind kind = new RouteGroupKind();
    kind.setGroup(GATEWAY_GROUP);
    kind.setKind(HTTP_ROUTE);
    return kind;
  }

  /**
   * Listeners on one port with the same protocol must differ in hostname (gateway_types.go,
   * Listener). Within one Gateway there is no winner: every listener of a clash is Conflicted and
   * not Accepted.
   */
  private static void detectConflicts(GatewayContext gw) {
    Map<String, List<ListenerContext>> byPortAndHostname = new LinkedHashMap<>();
    for (ListenerContext l : gw.listeners) {
      if (l.attachable) {
        String key = l.port() + " " + Objects.requireNonNullElse(l.hostname(), "");
        byPortAndHostname.computeIfAbsent(key, k -> new ArrayList<>()).add(l);
      }
    }
    for (List<ListenerContext> group : byPortAndHostname.values()) {
      if (group.size() < 2) {
        continue;
      }
      List<String> names = group.stream().map(ListenerContext::name).toList();
      for (ListenerContext l : group) {
        l.conflicted = true;
        l.reject(
            ListenerConditionReason.HOSTNAME_CONFLICT,
            "listeners "
                + String.join(", ", names)
                + " all use port "
                + l.port()
                + ", protocol HTTP and "
                + (l.hostname() == null ? "no hostname" : "hostname \"" + l.hostname() + "\"")
                + " (expected: a different hostname or port for each)");
      }
    }
  }
}
