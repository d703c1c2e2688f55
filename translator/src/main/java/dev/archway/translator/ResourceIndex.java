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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Lookups over a snapshot that the translation steps share. */
final class ResourceIndex {
  static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  /** The label the API server puts on every Namespace, so selectors can name one. */
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

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

  /** Every Secret looked up, found or not: see {@link TranslationResult#secrets()}. */
  private final SortedSet<ResourceKey> secretsLookedUp = new TreeSet<>();

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
    return namespaceLabels.getOrDefault(namespace, Map.of(NAMESPACE_NAME_LABEL, namespace));
  }

  Optional<Service> service(String namespace, String name) {
    return snapshot.find(Service.class, namespace, name);
  }

  Optional<Backend> backend(String namespace, String name) {
    return snapshot.find(Backend.class, namespace, name);
  }

  Optional<ProxyConfig> proxyConfig(String namespace, String name) {
    return snapshot.find(ProxyConfig.class, namespace, name);
  }

  /**
   * A Secret, looked up only once the reference to it is permitted (same namespace or a
   * ReferenceGrant): the lookups are the set of Secrets the Kubernetes provider watches.
   */
  Optional<Secret> secret(String namespace, String name) {
    secretsLookedUp.add(new ResourceKey(ListenerTls.SECRET, namespace, name));
    return snapshot.find(Secret.class, namespace, name);
  }

  /** The Secrets {@link #secret} was asked for so far. */
  SortedSet<ResourceKey> secretsLookedUp() {
    return secretsLookedUp;
  }

  Optional<ConfigMap> configMap(String namespace, String name) {
    return snapshot.find(ConfigMap.class, namespace, name);
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
