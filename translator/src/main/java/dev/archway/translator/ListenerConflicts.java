package dev.archway.translator;

import dev.archway.api.status.ListenerConditionReason;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds listeners that are not distinct (apis/v1/gateway_types.go, GatewaySpec.Listeners): on one
 * port, listeners must share a protocol, and listeners of HTTP, HTTPS or TLS must then differ by
 * hostname; a TCP or UDP listener must have its port to itself. TLS listeners in modes Terminate
 * and Passthrough may share a port (TLSRouteModeMixed). The {@code tls} field never makes listeners
 * distinct. UDP ports are a space of their own.
 *
 * <p>Within one Gateway there is no winner: every listener of a clash is Conflicted and not
 * Accepted. Listeners merged in from ListenerSets come after the Gateway's own, in precedence order
 * (GEP-1713: the Gateway's listeners, then ListenerSets oldest first, then by namespace/name), and
 * only the lower-precedence listener of a clash is Conflicted.
 *
 * <p>It also finds overlapping TLS configuration: listeners on one port that terminate or pass
 * through TLS with intersecting hostnames get OverlappingTLSConfig (OverlappingHostnames).
 */
final class ListenerConflicts {
  private ListenerConflicts() {}

  /** Marks the conflicts among a Gateway's own listeners: every listener of a clash loses. */
  static void detectOwn(List<ListenerContext> gatewayListeners) {
    List<ListenerContext> own = gatewayListeners.stream().filter(l -> l.attachable).toList();
    for (ListenerContext l : own) {
      List<ListenerContext> clashes = new ArrayList<>();
      ListenerConditionReason reason = null;
      for (ListenerContext o : own) {
        ListenerConditionReason r = o == l ? null : conflict(l, o);
        if (r != null) {
          clashes.add(o);
          reason = reason == ListenerConditionReason.PROTOCOL_CONFLICT ? reason : r;
        }
      }
      if (reason != null) {
        mark(l, reason, message(l, clashes, reason, null));
      }
    }
  }

  /**
   * Marks the conflicts of each merged (ListenerSet) listener, in precedence order, against the
   * Gateway's listeners and the merged ones before it that are not themselves conflicted; then
   * finds overlapping TLS hostnames among all the listeners that remain.
   */
  static void detectMerged(List<ListenerContext> gatewayListeners, List<ListenerContext> merged) {
    List<ListenerContext> winners =
        new ArrayList<>(
            gatewayListeners.stream().filter(l -> l.attachable && l.conflict == null).toList());
    for (ListenerContext l : merged) {
      if (!l.attachable) {
        continue;
      }
      List<ListenerContext> clashes = new ArrayList<>();
      ListenerConditionReason reason = null;
      for (ListenerContext w : winners) {
        ListenerConditionReason r = conflict(l, w);
        if (r != null) {
          clashes.add(w);
          reason = reason == ListenerConditionReason.PROTOCOL_CONFLICT ? reason : r;
        }
      }
      if (reason == null) {
        winners.add(l);
      } else {
        mark(l, reason, message(l, clashes, reason, "takes precedence"));
      }
    }
    overlappingTls(winners);
  }

  private static void mark(ListenerContext l, ListenerConditionReason reason, String message) {
    l.conflict = reason;
    l.reject(reason, message);
  }

  /** Why two listeners are not distinct, or null when they are. */
  static ListenerConditionReason conflict(ListenerContext a, ListenerContext b) {
    if (!Objects.equals(a.port(), b.port())
        || Protocols.udp(a.protocol()) != Protocols.udp(b.protocol())) {
      return null;
    }
    if (!a.protocol().equals(b.protocol())) {
      return ListenerConditionReason.PROTOCOL_CONFLICT;
    }
    if (!Protocols.hostnameDistinct(a.protocol())) {
      // Two TCP (or UDP) listeners on one port: nothing can tell their traffic apart.
      return ListenerConditionReason.PROTOCOL_CONFLICT;
    }
    return Objects.equals(a.hostname(), b.hostname())
        ? ListenerConditionReason.HOSTNAME_CONFLICT
        : null;
  }

  private static String message(
      ListenerContext l,
      List<ListenerContext> clashes,
      ListenerConditionReason reason,
      String precedence) {
    if (precedence != null) {
      ListenerContext winner = clashes.get(0);
      return l.describe()
          + (reason == ListenerConditionReason.PROTOCOL_CONFLICT
              ? " (protocol " + l.protocol() + ")"
              : "")
          + " conflicts on port "
          + l.port()
          + " with "
          + winner.describe()
          + (winner.listenerSet == null ? " of Gateway " + l.gateway.namespacedName() : "")
          + " (protocol "
          + winner.protocol()
          + ", "
          + hostname(winner)
          + "), which "
          + precedence
          + " (expected: a different "
          + (reason == ListenerConditionReason.PROTOCOL_CONFLICT ? "port" : "hostname or port")
          + ")";
    }
    Set<ListenerContext> all = new LinkedHashSet<>();
    all.add(l);
    all.addAll(clashes);
    List<ListenerContext> ordered =
        all.stream().sorted((x, y) -> Integer.compare(x.index, y.index)).toList();
    if (reason == ListenerConditionReason.HOSTNAME_CONFLICT) {
      return "listeners "
          + ordered.stream().map(ListenerContext::name).collect(Collectors.joining(", "))
          + " all use port "
          + l.port()
          + ", protocol "
          + l.protocol()
          + " and "
          + hostname(l)
          + " (expected: a different hostname or port for each)";
    }
    return "listeners "
        + ordered.stream()
            .map(o -> o.name() + " (" + o.protocol() + ")")
            .collect(Collectors.joining(", "))
        + " share port "
        + l.port()
        + " (expected: one protocol per port, and a TCP or UDP listener alone on its port)";
  }

  private static String hostname(ListenerContext l) {
    return l.hostname() == null ? "no hostname" : "hostname \"" + l.hostname() + "\"";
  }

  /**
   * OverlappingTLSConfig: TLS listeners (HTTPS, TLS) on one port whose hostnames intersect; a
   * listener without hostname overlaps every other (ListenerConditionOverlappingTLSConfig).
   */
  private static void overlappingTls(List<ListenerContext> listeners) {
    List<ListenerContext> tls =
        listeners.stream()
            .filter(l -> Protocols.HTTPS.equals(l.protocol()) || Protocols.TLS.equals(l.protocol()))
            .toList();
    for (ListenerContext a : tls) {
      for (ListenerContext b : tls) {
        if (a != b
            && Objects.equals(a.port(), b.port())
            && Hostnames.intersect(a.hostname(), b.hostname()).isPresent()) {
          a.overlappingTls.add(b.describe());
        }
      }
    }
  }
}
