package dev.archway.api.yaml;

import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.api.v1alpha1.Backend;
import dev.archway.api.v1alpha1.ProxyConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds Archway reads, by API group and kind, with the versions served for each.
 *
 * <p>Every served version of a Gateway API kind is read into fabric8's v1 class: the deprecated
 * versions the spec still serves have the same shape, so the rest of Archway sees one type per
 * kind. The versions are those the v1.6.1 CRDs serve in either channel (experimental serves the
 * deprecated v1alpha2/v1alpha3 of TLSRoute, TCPRoute, UDPRoute and BackendTLSPolicy, with the same
 * shape as v1).
 */
final class SupportedKinds {
  private static final String GATEWAY_API = "gateway.networking.k8s.io";

  private record Kind(
      Class<? extends HasMetadata> type, Set<String> versions, boolean namespaced) {}

  private static final Map<String, Kind> KINDS = new HashMap<>();

  static {
    register(GATEWAY_API, "GatewayClass", GatewayClass.class, Set.of("v1", "v1beta1"), false);
    register(GATEWAY_API, "Gateway", Gateway.class, Set.of("v1", "v1beta1"), true);
    register(GATEWAY_API, "HTTPRoute", HTTPRoute.class, Set.of("v1", "v1beta1"), true);
    register(GATEWAY_API, "GRPCRoute", GRPCRoute.class, Set.of("v1"), true);
    register(GATEWAY_API, "TLSRoute", TLSRoute.class, Set.of("v1", "v1alpha2", "v1alpha3"), true);
    register(GATEWAY_API, "TCPRoute", TCPRoute.class, Set.of("v1", "v1alpha2"), true);
    register(GATEWAY_API, "UDPRoute", UDPRoute.class, Set.of("v1", "v1alpha2"), true);
    register(GATEWAY_API, "ListenerSet", ListenerSet.class, Set.of("v1"), true);
    register(
        GATEWAY_API, "BackendTLSPolicy", BackendTLSPolicy.class, Set.of("v1", "v1alpha3"), true);
    register(
        GATEWAY_API,
        "ReferenceGrant",
        ReferenceGrant.class,
        Set.of("v1", "v1beta1", "v1alpha2"),
        true);
    register("", "Namespace", Namespace.class, Set.of("v1"), false);
    register("", "Service", Service.class, Set.of("v1"), true);
    register("", "Secret", Secret.class, Set.of("v1"), true);
    register("", "ConfigMap", ConfigMap.class, Set.of("v1"), true);
    register("discovery.k8s.io", "EndpointSlice", EndpointSlice.class, Set.of("v1"), true);
    register(ArchwayApi.GROUP, Backend.KIND, Backend.class, Set.of(ArchwayApi.VERSION), true);
    register(
        ArchwayApi.GROUP, ProxyConfig.KIND, ProxyConfig.class, Set.of(ArchwayApi.VERSION), true);
  }

  private SupportedKinds() {}

  private static void register(
      String group,
      String kind,
      Class<? extends HasMetadata> type,
      Set<String> versions,
      boolean namespaced) {
    KINDS.put(group + "/" + kind, new Kind(type, versions, namespaced));
  }

  /** The class to read a resource into, or empty when the apiVersion and kind are not served. */
  static Optional<Class<? extends HasMetadata>> typeOf(String apiVersion, String kind) {
    Kind k = lookup(apiVersion, kind);
    return k == null ? Optional.empty() : Optional.of(k.type());
  }

  /** Whether resources of this kind live in a namespace. */
  static boolean isNamespaced(String apiVersion, String kind) {
    Kind k = lookup(apiVersion, kind);
    return k != null && k.namespaced();
  }

  private static Kind lookup(String apiVersion, String kind) {
    int slash = apiVersion.lastIndexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    Kind k = KINDS.get(group + "/" + kind);
    return k != null && k.versions().contains(version) ? k : null;
  }
}
