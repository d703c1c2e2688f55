package dev.archway.translator;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.v1alpha1.Backend;
import dev.archway.api.v1alpha1.ProxyConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Lookups over a snapshot that the translation steps share. */
final class ResourceIndex {
  static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  /** The label the API server puts on every Namespace, so selectors can name one. */
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  static final String NAMESPACE = "Namespace";
  static final String SERVICE = "Service";
  static final String SECRET = "Secret";
  static final String CONFIG_MAP = "ConfigMap";
  static final String BACKEND = "Backend";
  static final String PROXY_CONFIG = "ProxyConfig";

  /** The label that ties an EndpointSlice to its Service. */
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final ResourceSnapshot snapshot;
  private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
  private final Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();

  /** ReferenceGrants by their namespace, the namespace of the objects they grant access to. */
  private final Map<String, List<ReferenceGrant>> grantsByNamespace = new HashMap<>();

  /** Answers of {@link #referenceAllowed}: many routes make the same cross-namespace reference. */
  private final Map<GrantQuery, Boolean> grantAnswers = new HashMap<>();

  private record GrantQuery(
      String fromKind,
      String fromNamespace,
      String toGroup,
      String toKind,
      String toNamespace,
      String toName) {}

  /** Every object looked up by name, found or not: see {@link TranslationResult#lookups()}. */
  private final Set<ResourceKey> lookups = new HashSet<>();

  ResourceIndex(ResourceSnapshot snapshot) {
    this.snapshot = snapshot;
    for (Namespace ns : snapshot.list(Namespace.class)) {
      Map<String, String> labels =
          new TreeMap<>(Objects.requireNonNullElse(ns.getMetadata().getLabels(), Map.of()));
      labels.put(NAMESPACE_NAME_LABEL, ns.getMetadata().getName());
      namespaceLabels.put(ns.getMetadata().getName(), labels);
    }
    for (EndpointSlice slice : snapshot.list(EndpointSlice.class)) {
      Map<String, String> labels =
          Objects.requireNonNullElse(slice.getMetadata().getLabels(), Map.of());
      String service = labels.get(SERVICE_NAME_LABEL);
      if (service != null) {
        slicesByService
            .computeIfAbsent(
                slice.getMetadata().getNamespace() + "/" + service, k -> new ArrayList<>())
            .add(slice);
      }
    }
    for (ReferenceGrant grant : snapshot.list(ReferenceGrant.class)) {
      if (grant.getSpec() != null) {
        grantsByNamespace
            .computeIfAbsent(grant.getMetadata().getNamespace(), k -> new ArrayList<>())
            .add(grant);
      }
    }
  }

  ResourceSnapshot snapshot() {
    return snapshot;
  }

  /**
   * The labels of a namespace. A namespace with no Namespace object in the snapshot still carries
   * the name label the API server would have set.
   */
  Map<String, String> namespaceLabels(String namespace) {
    lookups.add(new ResourceKey(NAMESPACE, "", namespace));
    return namespaceLabels.getOrDefault(namespace, Map.of(NAMESPACE_NAME_LABEL, namespace));
  }

  Optional<Service> service(String namespace, String name) {
    lookups.add(new ResourceKey(SERVICE, namespace, name));
    return snapshot.find(Service.class, namespace, name);
  }

  Optional<Backend> backend(String namespace, String name) {
    lookups.add(new ResourceKey(BACKEND, namespace, name));
    return snapshot.find(Backend.class, namespace, name);
  }

  Optional<ProxyConfig> proxyConfig(String namespace, String name) {
    lookups.add(new ResourceKey(PROXY_CONFIG, namespace, name));
    return snapshot.find(ProxyConfig.class, namespace, name);
  }

  /**
   * A Secret, looked up only once the reference to it is permitted (same namespace or a
   * ReferenceGrant): the Secrets looked up are those the Kubernetes provider watches.
   */
  Optional<Secret> secret(String namespace, String name) {
    lookups.add(new ResourceKey(SECRET, namespace, name));
    return snapshot.find(Secret.class, namespace, name);
  }

  /**
   * A ConfigMap (CA certificates), looked up, like a Secret, only where the reference is permitted.
   */
  Optional<ConfigMap> configMap(String namespace, String name) {
    lookups.add(new ResourceKey(CONFIG_MAP, namespace, name));
    return snapshot.find(ConfigMap.class, namespace, name);
  }

  /** Every object looked up by name so far (namespaces for their labels), found or not, sorted. */
  SortedSet<ResourceKey> lookups() {
    return new TreeSet<>(lookups);
  }

  /** Of {@link #lookups()}, the Secrets and ConfigMaps. */
  SortedSet<ResourceKey> secretsAndConfigMaps() {
    SortedSet<ResourceKey> keys = new TreeSet<>();
    for (ResourceKey key : lookups) {
      if (key.kind().equals(SECRET) || key.kind().equals(CONFIG_MAP)) {
        keys.add(key);
      }
    }
    return keys;
  }

  /**
   * A Secret value: {@code data} (base64) or, as in a manifest not yet stored by the API server,
   * {@code stringData}; null when absent or not base64.
   */
  static byte[] secretValue(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8);
    }
    if (secret.getData() == null || secret.getData().get(key) == null) {
      return null;
    }
    try {
      return Base64.getMimeDecoder().decode(secret.getData().get(key));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The EndpointSlices of a Service, sorted by name. */
  List<EndpointSlice> endpointSlices(String namespace, String service) {
    return slicesByService.getOrDefault(namespace + "/" + service, List.of());
  }

  /**
   * Whether a ReferenceGrant in the target's namespace lets an object of {@code fromKind} in {@code
   * fromNamespace} refer to the target (apis/v1beta1 ReferenceGrant: {@code from} entries are
   * OR-ed, an empty {@code to.name} grants every object of the kind).
   */
  boolean referenceAllowed(
      String fromKind,
      String fromNamespace,
      String toGroup,
      String toKind,
      String toNamespace,
      String toName) {
    return grantAnswers.computeIfAbsent(
        new GrantQuery(fromKind, fromNamespace, toGroup, toKind, toNamespace, toName),
        this::granted);
  }

  private boolean granted(GrantQuery q) {
    String fromKind = q.fromKind();
    String fromNamespace = q.fromNamespace();
    String toGroup = q.toGroup();
    String toKind = q.toKind();
    String toName = q.toName();
    for (ReferenceGrant grant : grantsByNamespace.getOrDefault(q.toNamespace(), List.of())) {
      boolean fromMatches = false;
      for (ReferenceGrantFrom from : nonNull(grant.getSpec().getFrom())) {
        fromMatches |=
            GATEWAY_GROUP.equals(from.getGroup())
                && fromKind.equals(from.getKind())
                && fromNamespace.equals(from.getNamespace());
      }
      if (!fromMatches) {
        continue;
      }
      for (ReferenceGrantTo to : nonNull(grant.getSpec().getTo())) {
        if (toGroup.equals(Objects.requireNonNullElse(to.getGroup(), ""))
            && toKind.equals(to.getKind())
            && (to.getName() == null || to.getName().isEmpty() || to.getName().equals(toName))) {
          return true;
        }
      }
    }
    return false;
  }

  static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
