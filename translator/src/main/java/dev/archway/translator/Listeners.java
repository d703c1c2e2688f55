package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.GATEWAY_GROUP;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.status.GatewayConditionReason;
import dev.archway.api.status.ListenerConditionReason;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutes;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteNamespaces;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Validates the listeners of a Gateway: what the CRD's schema and CEL rules would reject, the
 * protocols Archway serves, tls and certificates, and allowedRoutes. Conflicts between listeners
 * are {@link ListenerConflicts}'.
 */
final class Listeners {
  // apis/v1/shared_types.go SectionName.
  private static final Pattern SECTION_NAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  // apis/v1/shared_types.go ProtocolType: a core name or a domain-prefixed one.
  private static final Pattern PROTOCOL =
      Pattern.compile(
          "^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|"
              + "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9]+$");

  private Listeners() {}

  /** A context for a Gateway with every listener validated and its conflicts found. */
  static GatewayContext process(Gateway gateway, ResourceIndex index, Instant now) {
    GatewayContext gw = new GatewayContext(gateway);
    List<Listener> specs =
        gateway.getSpec() == null ? List.of() : nonNull(gateway.getSpec().getListeners());
    for (int i = 0; i < specs.size(); i++) {
      ListenerContext l = new ListenerContext(gw, null, i, specs.get(i));
      validate(l, index, now);
      gw.listeners.add(l);
    }
    rejectDuplicateNames(gw.listeners);
    ListenerConflicts.detectOwn(gw.listeners);
    if (specs.size() > CrdLimits.MAX_LISTENERS) {
      // The API server would refuse the Gateway (spec.listeners maxItems); so is it here.
      gw.notAcceptedReason = GatewayConditionReason.INVALID;
      gw.notAcceptedMessage =
          "spec.listeners: "
              + specs.size()
              + " listeners (expected: at most "
              + CrdLimits.MAX_LISTENERS
              + ")";
    }
    return gw;
  }

  /**
   * Listener names must be unique (CEL on Gateway.spec.listeners). status.listeners is a map keyed
   * by name, so it cannot tell two same-named listeners apart: every one of them is rejected, and
   * the one status entry for the name says why.
   */
  static void rejectDuplicateNames(List<ListenerContext> listeners) {
    Map<String, List<ListenerContext>> byName = new LinkedHashMap<>();
    for (ListenerContext l : listeners) {
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

  /** Validates one listener; certificates are resolved when its tls is well formed. */
  static void validate(ListenerContext l, ResourceIndex index, Instant now) {
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
    String protocol = l.protocol();
    boolean supported = Protocols.supported(protocol);
    if (protocol.isEmpty()) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("protocol") + ": missing (expected: " + Protocols.SUPPORTED + ")");
      wellFormed = false;
    } else if (!PROTOCOL.matcher(protocol).matches() || protocol.length() > 255) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("protocol")
              + ": \""
              + protocol
              + "\" (expected: a protocol name such as "
              + Protocols.SUPPORTED
              + ")");
      wellFormed = false;
    } else if (!supported) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_PROTOCOL,
          l.field("protocol")
              + ": \""
              + protocol
              + "\" is not supported (expected: "
              + Protocols.SUPPORTED
              + ")");
    }
    if (spec.getHostname() != null) {
      if (!Protocols.hostnameDistinct(protocol) && supported) {
        // CEL: hostname must not be specified for protocols ['TCP', 'UDP'].
        l.reject(
            ListenerConditionReason.UNSUPPORTED_VALUE,
            l.field("hostname")
                + ": \""
                + spec.getHostname()
                + "\" (expected: no hostname for protocol "
                + protocol
                + ")");
        wellFormed = false;
      } else if (!Hostnames.isValid(spec.getHostname())) {
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
    }
    if (supported) {
      wellFormed &= ListenerTls.validate(l);
    }
    wellFormed &= validateNamespaces(l);
    wellFormed &= withinBounds(l);
    if (supported) {
      resolveKinds(l);
    }
    l.attachable = supported && wellFormed;
    if (l.attachable) {
      ListenerTls.resolve(l, index, now);
    }
  }

  /** The CRD's maxItems on a listener: allowedRoutes.kinds (8) and tls.certificateRefs (64). */
  private static boolean withinBounds(ListenerContext l) {
    boolean ok = true;
    AllowedRoutes allowed = l.spec.getAllowedRoutes();
    int kinds = allowed == null ? 0 : nonNull(allowed.getKinds()).size();
    if (kinds > 8) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("allowedRoutes.kinds") + ": " + kinds + " entries (expected: at most 8)");
      ok = false;
    }
    int certificates =
        l.spec.getTls() == null ? 0 : nonNull(l.spec.getTls().getCertificateRefs()).size();
    if (certificates > 64) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("tls.certificateRefs") + ": " + certificates + " entries (expected: at most 64)");
      ok = false;
    }
    return ok;
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
   * supportedKinds is the protocol's kinds among allowedRoutes.kinds (all of them when kinds is
   * empty); any other kind listed there makes ResolvedRefs False with InvalidRouteKinds
   * (ListenerStatus.SupportedKinds).
   */
  private static void resolveKinds(ListenerContext l) {
    List<String> protocolKinds = Protocols.routeKinds(l.protocol());
    AllowedRoutes allowed = l.spec.getAllowedRoutes();
    List<RouteGroupKind> kinds = allowed == null ? List.of() : nonNull(allowed.getKinds());
    if (kinds.isEmpty()) {
      protocolKinds.forEach(k -> l.supportedKinds.add(Protocols.kind(k)));
      return;
    }
    List<String> chosen = new ArrayList<>();
    for (int k = 0; k < kinds.size(); k++) {
      RouteGroupKind kind = kinds.get(k);
      String group = Objects.requireNonNullElse(kind.getGroup(), GATEWAY_GROUP);
      if (GATEWAY_GROUP.equals(group) && protocolKinds.contains(kind.getKind())) {
        if (!chosen.contains(kind.getKind())) {
          chosen.add(kind.getKind());
        }
      } else {
        l.refProblem(
            ListenerConditionReason.INVALID_ROUTE_KINDS,
            l.field("allowedRoutes.kinds[" + k + "]")
                + ": \""
                + (group.isEmpty() ? "" : group + "/")
                + kind.getKind()
                + "\" is not a route kind a "
                + l.protocol()
                + " listener supports (expected: "
                + protocolKinds.stream()
                    .map(p -> GATEWAY_GROUP + "/" + p)
                    .collect(Collectors.joining(" or "))
                + ")");
      }
    }
    // supportedKinds in the protocol's order, so that output does not depend on spec order.
    protocolKinds.stream()
        .filter(chosen::contains)
        .forEach(k -> l.supportedKinds.add(Protocols.kind(k)));
  }
}
