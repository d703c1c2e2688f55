package dev.archway.api.snapshot;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * Names one resource: its kind, namespace (empty for cluster-scoped kinds) and name. Sorted by
 * kind, namespace, then name, so anything keyed by it prints in a stable order.
 */
public record ResourceKey(String kind, String namespace, String name)
    implements Comparable<ResourceKey> {
  public ResourceKey {
    Objects.requireNonNull(kind, "kind");
    namespace = Objects.requireNonNullElse(namespace, "");
    Objects.requireNonNull(name, "name");
  }

  /** The key of a resource, by its kind and metadata. */
  public static ResourceKey of(HasMetadata resource) {
    return new ResourceKey(
        resource.getKind(),
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName());
  }

  /** By kind, namespace, then name (written out: status maps of 10,000 routes sort by it). */
  @Override
  public int compareTo(ResourceKey other) {
    int c = kind.compareTo(other.kind);
    if (c != 0) {
      return c;
    }
    c = namespace.compareTo(other.namespace);
    return c != 0 ? c : name.compareTo(other.name);
  }

  /**
   * Written out, as is {@link #equals}: the record's generated methods go through a method handle
   * on every call, and maps of 10,000 routes look keys up on every change.
   */
  @Override
  public int hashCode() {
    return (kind.hashCode() * 31 + namespace.hashCode()) * 31 + name.hashCode();
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || o instanceof ResourceKey k
            && name.equals(k.name)
            && namespace.equals(k.namespace)
            && kind.equals(k.kind);
  }

  /** {@code Kind/namespace/name}, or {@code Kind/name} for cluster-scoped resources. */
  @Override
  public String toString() {
    return namespace.isEmpty() ? kind + "/" + name : kind + "/" + namespace + "/" + name;
  }
}
