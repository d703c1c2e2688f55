package dev.archway.translator;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.status.ListenerConditionReason;
import dev.archway.ir.ClientValidation;
import dev.archway.ir.TlsCertificate;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One listener of a Gateway (or an entry of a ListenerSet attached to it) while it is being
 * translated: what validation found, and the routes that attach to it.
 */
final class ListenerContext {
  /** A ResolvedRefs problem: the reason and a message naming the field, value and expectation. */
  record RefProblem(ListenerConditionReason reason, String message) {}

  final GatewayContext gateway;

  /** The ListenerSet this entry belongs to, or null for a listener of the Gateway itself. */
  final ListenerSetContext listenerSet;

  final int index;
  final Listener spec;

  /** Why the listener is not Accepted, or null when it is. */
  ListenerConditionReason notAcceptedReason;

  /** Every problem that keeps the listener from being Accepted, joined for the message. */
  final List<String> notAcceptedMessages = new ArrayList<>();

  /** HostnameConflict or ProtocolConflict when the listener conflicts with another, else null. */
  ListenerConditionReason conflict;

  /** Why some reference did not resolve, in field order; the first names the reason. */
  final List<RefProblem> refProblems = new ArrayList<>();

  /** Other HTTPS/TLS listeners on the port whose hostnames overlap this one's (names). */
  final Set<String> overlappingTls = new TreeSet<>();

  /** The route kinds this listener serves: its protocol's kinds among allowedRoutes.kinds. */
  final List<RouteGroupKind> supportedKinds = new ArrayList<>();

  /** {@code allowedRoutes.namespaces.from}, defaulted to Same. */
  String namespacesFrom = "Same";

  /** {@code allowedRoutes.namespaces.selector} when {@link #namespacesFrom} is Selector. */
  LabelSelector namespaceSelector;

  /**
   * Whether routes may attach: a listener of a supported protocol whose fields are well formed. A
   * conflicted listener still counts its routes (attachedRoutes is counted even when the listener
   * is not Accepted).
   */
  boolean attachable;

  /** For HTTPS and TLS Terminate: the certificates that validated, in certificateRefs order. */
  final List<TlsCertificate> certificates = new ArrayList<>();

  /** For HTTPS: frontend client certificate validation (Gateway spec.tls.frontend), or null. */
  ClientValidation clientValidation;

  /**
   * The routes with Accepted=True attached here, counted in {@code attachedRoutes}. Unordered: only
   * its size and membership are read, and a sorted set cost 10 % of a translation at 10,000 routes.
   */
  final Set<ResourceKey> attachedRoutes = new HashSet<>();

  /** The IR routes of the attached HTTPRoutes and GRPCRoutes. */
  final List<RouteEntry> routes = new ArrayList<>();

  /** Where this listener is, for {@link TranslationMemo}; set when a memo is in use. */
  String memoKey;

  /** The attached TLSRoutes, one entry per served hostname. */
  final List<L4RouteEntry> tlsRoutes = new ArrayList<>();

  /** The attached TCPRoutes or UDPRoutes. */
  final List<L4RouteEntry> l4Routes = new ArrayList<>();

  ListenerContext(
      GatewayContext gateway, ListenerSetContext listenerSet, int index, Listener spec) {
    this.gateway = gateway;
    this.listenerSet = listenerSet;
    this.index = index;
    this.spec = spec;
  }

  String name() {
    return spec.getName();
  }

  Integer port() {
    return spec.getPort();
  }

  String protocol() {
    return Objects.requireNonNullElse(spec.getProtocol(), "");
  }

  /** The TLS mode: Terminate (the default) or Passthrough; null when the listener has no tls. */
  String tlsMode() {
    if (spec.getTls() == null) {
      return null;
    }
    String mode = spec.getTls().getMode();
    return mode == null || mode.isEmpty() ? Protocols.TERMINATE : mode;
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

  void refProblem(ListenerConditionReason reason, String message) {
    refProblems.add(new RefProblem(reason, message));
  }

  boolean accepted() {
    return notAcceptedReason == null;
  }

  boolean refsResolved() {
    return refProblems.isEmpty();
  }

  /** Whether the Gateway counts this listener as valid (Accepted and ResolvedRefs). */
  boolean valid() {
    return accepted() && refsResolved();
  }

  /** Whether the listener needs certificates to serve: HTTPS, or TLS in mode Terminate. */
  boolean terminatesTls() {
    return Protocols.HTTPS.equals(protocol())
        || (Protocols.TLS.equals(protocol()) && Protocols.TERMINATE.equals(tlsMode()));
  }

  /**
   * Whether the data plane can serve the listener: Accepted, and with at least one valid
   * certificate when it terminates TLS. Unresolved route kinds do not stop it.
   */
  boolean servable() {
    return accepted() && (!terminatesTls() || !certificates.isEmpty());
  }

  /** {@code gateway/<namespace>/<name>/listener/<listener>}, with the ListenerSet for entries. */
  String virtualHostIrName() {
    return listenerSet == null
        ? gateway.irName() + "/listener/" + name()
        : gateway.irName() + "/listenerset/" + listenerSet.namespacedName() + "/" + name();
  }

  /** The IR name of the data plane listener that serves this listener's port. */
  String portIrName() {
    String name = gateway.httpListenerIrName(port());
    return Protocols.UDP.equals(protocol()) ? name + "/udp" : name;
  }

  /** How a message names this listener. */
  String describe() {
    String own = "listener \"" + Objects.requireNonNullElse(name(), "") + "\"";
    return listenerSet == null ? own : own + " of ListenerSet " + listenerSet.namespacedName();
  }
}
