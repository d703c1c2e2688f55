package dev.archway.translator;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.status.GatewayConditionReason;
import dev.archway.ir.Infrastructure;
import dev.archway.ir.TlsCertificate;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A Gateway of one of Archway's classes while it is being translated. */
final class GatewayContext {
  final Gateway gateway;
  final ResourceKey key;
  final long generation;
  final List<ListenerContext> listeners = new ArrayList<>();

  /** The accepted ListenerSets attached to this Gateway, in precedence order. */
  final List<ListenerSetContext> listenerSets = new ArrayList<>();

  /** The number of ListenerSets counted in status.attachedListenerSets. */
  int attachedListenerSets;

  /** Why the Gateway itself is not Accepted (beyond its listeners), or null. */
  GatewayConditionReason notAcceptedReason;

  String notAcceptedMessage;

  /** Why spec.tls.backend.clientCertificateRef does not resolve, or null. */
  String clientCertificateProblem;

  GatewayConditionReason clientCertificateReason;

  /** The resolved spec.tls.backend.clientCertificateRef, or null. */
  TlsCertificate backendClientCertificate;

  /** Ports whose frontend validation uses AllowInsecureFallback (or 0 for the default). */
  final Set<String> insecureFrontendScopes = new TreeSet<>();

  /** Labels, annotations and ProxyConfig settings for the resources that run the Gateway. */
  Infrastructure infrastructure;

  GatewayContext(Gateway gateway) {
    this.gateway = gateway;
    this.key = ResourceKey.of(gateway);
    Long g = gateway.getMetadata().getGeneration();
    this.generation = g == null ? 0L : g;
  }

  String namespace() {
    return gateway.getMetadata().getNamespace();
  }

  String name() {
    return gateway.getMetadata().getName();
  }

  /** {@code namespace/name}, the key of {@code RuntimeFacts.gatewayAddresses}. */
  String namespacedName() {
    return namespace() + "/" + name();
  }

  /** {@code gateway/<namespace>/<name>}. */
  String irName() {
    return "gateway/" + namespacedName();
  }

  /** {@code gateway/<namespace>/<name>/port/<port>}. */
  String httpListenerIrName(int port) {
    return irName() + "/port/" + port;
  }

  /** The Gateway's own listeners, then those of its accepted ListenerSets in precedence order. */
  List<ListenerContext> allListeners() {
    if (listenerSets.isEmpty()) {
      return listeners;
    }
    List<ListenerContext> all = new ArrayList<>(listeners);
    listenerSets.forEach(s -> all.addAll(s.listeners));
    return all;
  }
}
