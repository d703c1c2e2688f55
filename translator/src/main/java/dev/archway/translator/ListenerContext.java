package dev.archway.translator;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.status.ListenerConditionReason;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One listener of a Gateway while it is being translated: what validation found, and the routes
 * that attach to it.
 */
final class ListenerContext {
  final GatewayContext gateway;
  final int index;
  final Listener spec;

  /** Why the listener is not Accepted, or null when it is. */
  ListenerConditionReason notAcceptedReason;

  /** Every problem that keeps the listener from being Accepted, joined for the message. */
  final List<String> notAcceptedMessages = new ArrayList<>();

  /** Whether another listener on the same port has the same protocol and hostname. */
  boolean conflicted;

  /** Entries of {@code allowedRoutes.kinds} that this listener cannot serve. */
  final List<String> invalidKindMessages = new ArrayList<>();

  /** The route kinds this listener serves: its protocol's kinds among allowedRoutes.kinds. */
  final List<RouteGroupKind> supportedKinds = new ArrayList<>();

  /** {@code allowedRoutes.namespaces.from}, defaulted to Same. */
  String namespacesFrom = "Same";

  /** {@code allowedRoutes.namespaces.selector} when {@link #namespacesFrom} is Selector. */
  LabelSelector namespaceSelector;

  /**
   * Whether routes may attach: an HTTP listener whose fields are well formed. A conflicted listener
   * still counts its routes (attachedRoutes is counted even when the listener is not Accepted).
   */
  boolean attachable;

  /** The routes with Accepted=True attached here, counted in {@code attachedRoutes}. */
  final Set<ResourceKey> attachedRoutes = new TreeSet<>();

  /** The IR routes of the attached routes, unordered until the virtual host is built. */
  final List<RouteEntry> routes = new ArrayList<>();

  ListenerContext(GatewayContext gateway, int index, Listener spec) {
    this.gateway = gateway;
    this.index = index;
    this.spec = spec;
  }

  String name() {
    return spec.getName();
  }

  Integer port() {
    return spec.getPort();
  }

  /** The listener's hostname, or null when it has none (it serves every hostname). */
  String hostname() {
    String h = spec.getHostname();
    return h == null || h.isEmpty() ? null : h;
  }

  String field(String name) {
    return "spec.listeners[" + index + "]." + name;
  }

  void reject(ListenerConditionReason reason, String message) {
    if (notAcceptedReason == null) {
      notAcceptedReason = reason;
    }
    notAcceptedMessages.add(message);
  }

  boolean accepted() {
    return notAcceptedReason == null;
  }

  boolean refsResolved() {
    return invalidKindMessages.isEmpty();
  }

  /** Whether the Gateway counts this listener as valid (Accepted and ResolvedRefs). */
  boolean valid() {
    return accepted() && refsResolved();
  }

  /** {@code gateway/<namespace>/<name>/listener/<listener>}. */
  String virtualHostIrName() {
    return gateway.irName() + "/listener/" + name();
  }

  /** How a message names this listener. */
  String describe() {
    return "listener \"" + Objects.requireNonNullElse(name(), "") + "\"";
  }
}
