package dev.archway.translator;

import dev.archway.api.snapshot.ResourceKey;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import java.util.ArrayList;
import java.util.List;

/** A Gateway of one of Archway's classes while it is being translated. */
final class GatewayContext {
  final Gateway gateway;
  final ResourceKey key;
  final long generation;
  final List<ListenerContext> listeners = new ArrayList<>();

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
}
