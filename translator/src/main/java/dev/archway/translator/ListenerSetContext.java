package dev.archway.translator;

import dev.archway.api.snapshot.ResourceKey;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import java.util.ArrayList;
import java.util.List;

/** A ListenerSet attached to one of Archway's Gateways while it is being translated. */
final class ListenerSetContext {
  final ListenerSet listenerSet;
  final ResourceKey key;
  final long generation;
  final GatewayContext gateway;
  final List<ListenerContext> listeners = new ArrayList<>();

  /** Why the ListenerSet is not Accepted (a ListenerSetConditionReason value), or null. */
  String notAcceptedReason;

  String notAcceptedMessage;

  ListenerSetContext(ListenerSet listenerSet, GatewayContext gateway) {
    this.listenerSet = listenerSet;
    this.key = ResourceKey.of(listenerSet);
    Long g = listenerSet.getMetadata().getGeneration();
    this.generation = g == null ? 0L : g;
    this.gateway = gateway;
  }

  String namespace() {
    return listenerSet.getMetadata().getNamespace();
  }

  String name() {
    return listenerSet.getMetadata().getName();
  }

  String namespacedName() {
    return namespace() + "/" + name();
  }
}
