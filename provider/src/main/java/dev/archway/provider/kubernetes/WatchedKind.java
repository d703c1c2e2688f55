package dev.archway.provider.kubernetes;

import dev.archway.api.v1alpha1.Backend;
import dev.archway.api.v1alpha1.ProxyConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRoute;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One kind the Kubernetes provider watches.
 *
 * @param type the fabric8 class resources are read into (the same class the file provider uses)
 * @param required whether the controller refuses to start without it; an optional kind whose API is
 *     not served (its CRD is not installed) is reported once and skipped
 * @param statusOwned whether Archway writes this kind's status: the provider then drops the status
 *     it reads, so that Archway's own status writes do not count as changes
 * @param endpoints whether a change to it can be applied by the endpoint fast path
 */
public record WatchedKind(
    Class<? extends HasMetadata> type, boolean required, boolean statusOwned, boolean endpoints) {

  /**
   * Secrets are not watched by kind: only those Gateways reference are watched, each by name (see
   * {@link NamedWatches}), so that the controller needs no right to read every Secret.
   */
  public static final WatchedKind SECRET = new WatchedKind(Secret.class, true, false, false);

  /** ConfigMaps, like Secrets, are watched by name: those holding CA certificates referenced. */
  public static final WatchedKind CONFIG_MAP = new WatchedKind(ConfigMap.class, true, false, false);

  /** The kinds watched object by object, by name, as the translation references them. */
  public static final List<WatchedKind> BY_NAME = List.of(SECRET, CONFIG_MAP);

  /**
   * Every kind the translator reads that is watched cluster-wide (all but {@link #BY_NAME}). Add a
   * kind here (and to the api module's SupportedKinds, which the file provider uses) and both
   * providers deliver it.
   */
  public static final List<WatchedKind> ALL =
      List.of(
          // Gateway API: the standard kinds are required, the rest are watched when served.
          owned(GatewayClass.class, true),
          owned(Gateway.class, true),
          owned(HTTPRoute.class, true),
          owned(GRPCRoute.class, false),
          owned(TLSRoute.class, false),
          owned(TCPRoute.class, false),
          owned(UDPRoute.class, false),
          owned(ListenerSet.class, false),
          owned(BackendTLSPolicy.class, false),
          input(ReferenceGrant.class, true),
          // Kubernetes core kinds.
          input(Namespace.class, true),
          input(Service.class, true),
          new WatchedKind(EndpointSlice.class, true, false, true),
          // Archway's own kinds (archway.dev/v1alpha1): their CRDs may not be installed.
          input(Backend.class, false),
          input(ProxyConfig.class, false));

  /** A kind whose status Archway writes. */
  private static WatchedKind owned(Class<? extends HasMetadata> type, boolean required) {
    return new WatchedKind(type, required, true, false);
  }

  /** A kind Archway only reads. */
  private static WatchedKind input(Class<? extends HasMetadata> type, boolean required) {
    return new WatchedKind(type, required, false, false);
  }

  /** The kind's name, such as {@code HTTPRoute}. */
  public String kind() {
    return HasMetadata.getKind(type);
  }

  /** The apiVersion served, such as {@code gateway.networking.k8s.io/v1}. */
  public String apiVersion() {
    return HasMetadata.getApiVersion(type);
  }

  /** Whether resources of this kind live in a namespace. */
  public boolean namespaced() {
    return Namespaced.class.isAssignableFrom(type);
  }

  /** The watched kind with this name ({@link #BY_NAME} included). */
  public static Optional<WatchedKind> byKind(String kind) {
    return Stream.concat(BY_NAME.stream(), ALL.stream())
        .filter(k -> k.kind().equals(kind))
        .findFirst();
  }

  /** Whether objects of this kind are watched one by one, by name ({@link #BY_NAME}). */
  public boolean byName() {
    return BY_NAME.contains(this);
  }
}
