package dev.archway.app.runtime;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.provider.kubernetes.SnapshotUpdate;
import dev.archway.provider.kubernetes.WatchedKind;
import dev.archway.translator.TranslationResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentGatewayReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether an update of the Kubernetes provider can change what the last translation gave, judged
 * from what that translation read. The translator is deterministic, so a translation whose inputs
 * are all unchanged gives the same result; its inputs are the lists it walks and the objects it
 * looked up by name ({@link TranslationResult#lookups()}, misses included). So a change counts when
 * it touches:
 *
 * <ul>
 *   <li>a GatewayClass, ReferenceGrant, BackendTLSPolicy, Secret, ConfigMap (only referenced ones
 *       are watched), Archway's own kinds, or any kind not named below: always;
 *   <li>a Gateway that is Archway's (it has a status in the result) or whose {@code
 *       gatewayClassName}, before or after the change, is one of Archway's classes;
 *   <li>a ListenerSet that is Archway's or whose {@code parentRef}, before or after, names an
 *       Archway Gateway;
 *   <li>a route one of whose {@code parentRefs}, before or after, names an Archway Gateway or
 *       ListenerSet (by namespace and name: the kind only picks which of the two);
 *   <li>a Service or Namespace the translation looked up (a Namespace's labels are read for
 *       allowedRoutes and allowedListeners selectors), or one {@code alsoRead} names (with
 *       Kubernetes infrastructure, the proxy Services that give Gateways their addresses).
 * </ul>
 *
 * <p>An EndpointSlice asks only for the endpoint fast path, and only when it belongs (before or
 * after) to a Service a destination in force sends traffic to, or names no Service. Anything else
 * asks for nothing: no translation, no status write.
 */
final class Relevance {
  /** What an update needs, cheapest first. */
  enum Work {
    /** Nothing the configuration or statuses depend on changed. */
    NOTHING,
    /** Only endpoints of destinations in force changed: the fast path. */
    ENDPOINTS,
    /** A full translation. */
    TRANSLATE
  }

  private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
  private static final String GATEWAY = "Gateway";
  private static final String LISTENER_SET = "ListenerSet";
  private static final Set<String> ROUTES =
      Set.of("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute");

  private final Map<ResourceKey, Object> owned;
  private final Set<ResourceKey> lookups;
  private final Set<ResourceKey> alsoRead;

  /**
   * @param last the last translation made (whether or not its configuration was applied)
   * @param alsoRead objects the runner read from the snapshot besides the translator
   */
  Relevance(TranslationResult last, Set<ResourceKey> alsoRead) {
    this.owned = last.statuses();
    this.lookups = last.lookups();
    this.alsoRead = Objects.requireNonNull(alsoRead, "alsoRead");
  }

  /**
   * What {@code update} needs.
   *
   * @param previous the snapshot of the update before (the objects as they were)
   * @param applied the configuration in force, whose destinations the fast path refreshes
   */
  Work of(SnapshotUpdate update, ResourceSnapshot previous, DataPlaneConfig applied) {
    Work work = Work.NOTHING;
    Set<String> destinationServices = null;
    for (ResourceKey key : update.changed()) {
      List<HasMetadata> versions = versions(key, previous, update.snapshot());
      Work needed;
      switch (key.kind()) {
        case "EndpointSlice" -> {
          if (destinationServices == null) {
            destinationServices = destinationServices(applied);
          }
          needed = slice(key, versions, destinationServices);
        }
        case "Service", "Namespace" ->
            needed =
                lookups.contains(key) || alsoRead.contains(key) ? Work.TRANSLATE : Work.NOTHING;
        case GATEWAY -> needed = gateway(key, versions);
        case LISTENER_SET -> needed = listenerSet(key, versions);
        default -> needed = ROUTES.contains(key.kind()) ? route(versions) : Work.TRANSLATE;
      }
      if (needed == Work.TRANSLATE) {
        return Work.TRANSLATE;
      }
      if (needed.compareTo(work) > 0) {
        work = needed;
      }
    }
    return work;
  }

  private Work gateway(ResourceKey key, List<HasMetadata> versions) {
    if (owned.containsKey(key)) {
      return Work.TRANSLATE;
    }
    for (HasMetadata version : versions) {
      Gateway gateway = (Gateway) version;
      if (gateway.getSpec() != null
          && gateway.getSpec().getGatewayClassName() != null
          && owned.containsKey(
              new ResourceKey("GatewayClass", "", gateway.getSpec().getGatewayClassName()))) {
        return Work.TRANSLATE;
      }
    }
    return Work.NOTHING;
  }

  private Work listenerSet(ResourceKey key, List<HasMetadata> versions) {
    if (owned.containsKey(key)) {
      return Work.TRANSLATE;
    }
    for (HasMetadata version : versions) {
      ListenerSet set = (ListenerSet) version;
      ParentGatewayReference parent = set.getSpec() == null ? null : set.getSpec().getParentRef();
      if (parent != null
          && parent.getName() != null
          && owned.containsKey(
              new ResourceKey(
                  GATEWAY,
                  Objects.requireNonNullElse(parent.getNamespace(), key.namespace()),
                  parent.getName()))) {
        return Work.TRANSLATE;
      }
    }
    return Work.NOTHING;
  }

  private Work route(List<HasMetadata> versions) {
    for (HasMetadata version : versions) {
      List<ParentReference> parents = parentRefs(version);
      if (parents == null) {
        return Work.TRANSLATE; // a route kind this class does not know: be safe
      }
      for (ParentReference parent : parents) {
        if (parent == null || parent.getName() == null) {
          continue;
        }
        String kind =
            LISTENER_SET.equals(parent.getKind()) ? LISTENER_SET : GATEWAY; // Gateway by default
        String namespace =
            Objects.requireNonNullElse(parent.getNamespace(), version.getMetadata().getNamespace());
        if (owned.containsKey(new ResourceKey(kind, namespace, parent.getName()))) {
          return Work.TRANSLATE;
        }
      }
    }
    return Work.NOTHING;
  }

  /** The route's parentRefs; null for a kind this class does not know. */
  private static List<ParentReference> parentRefs(HasMetadata route) {
    return switch (route) {
      case HTTPRoute r -> r.getSpec() == null ? List.of() : nonNull(r.getSpec().getParentRefs());
      case GRPCRoute r -> r.getSpec() == null ? List.of() : nonNull(r.getSpec().getParentRefs());
      case TLSRoute r -> r.getSpec() == null ? List.of() : nonNull(r.getSpec().getParentRefs());
      case TCPRoute r -> r.getSpec() == null ? List.of() : nonNull(r.getSpec().getParentRefs());
      case UDPRoute r -> r.getSpec() == null ? List.of() : nonNull(r.getSpec().getParentRefs());
      default -> null;
    };
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static Work slice(
      ResourceKey key, List<HasMetadata> versions, Set<String> destinationServices) {
    for (HasMetadata version : versions) {
      Map<String, String> labels = version.getMetadata().getLabels();
      String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
      if (service == null || destinationServices.contains(key.namespace() + "/" + service)) {
        return Work.ENDPOINTS;
      }
    }
    return Work.NOTHING;
  }

  /** {@code namespace/name} of each Service a destination in force sends traffic to. */
  private static Set<String> destinationServices(DataPlaneConfig applied) {
    return applied.destinations().stream()
        .map(Destination::name)
        .filter(n -> n.startsWith("service/"))
        .map(n -> n.substring("service/".length()))
        .map(n -> n.substring(0, n.indexOf('/', n.indexOf('/') + 1)))
        .collect(Collectors.toSet());
  }

  /** The object before and after the change, those that exist. */
  private static List<HasMetadata> versions(
      ResourceKey key, ResourceSnapshot previous, ResourceSnapshot now) {
    List<HasMetadata> versions = new ArrayList<>(2);
    WatchedKind.byKind(key.kind())
        .ifPresent(
            kind -> {
              previous.find(kind.type(), key.namespace(), key.name()).ifPresent(versions::add);
              now.find(kind.type(), key.namespace(), key.name()).ifPresent(versions::add);
            });
    return versions;
  }
}
