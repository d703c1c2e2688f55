package dev.archway.api.snapshot;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every resource the control plane knows at one moment, immutable once built.
 *
 * <p>Resources are grouped by their Java type: Gateway API kinds served in several versions are
 * read into the v1 class by the loader, so consumers see one type per kind. Within a type,
 * resources are sorted by namespace then name. Callers must treat the resources as read-only: the
 * translator copies anything it annotates.
 */
public final class ResourceSnapshot {
  public static final ResourceSnapshot EMPTY = builder().build();

  /**
   * Written out rather than composed from {@code Comparator.comparing}: every file change sorts the
   * whole snapshot again (10,000 routes: about 140,000 comparisons), and the composed form walks a
   * chain of lambdas on each.
   */
  private static final Comparator<HasMetadata> BY_NAMESPACE_AND_NAME =
      (a, b) -> {
        int c =
            nullToEmpty(a.getMetadata().getNamespace())
                .compareTo(nullToEmpty(b.getMetadata().getNamespace()));
        return c != 0 ? c : a.getMetadata().getName().compareTo(b.getMetadata().getName());
      };

  private final Map<Class<?>, List<HasMetadata>> byType;
  private final List<HasMetadata> all;

  /** Every resource by type, namespace and name, so that {@link #find} is one hash lookup. */
  private final Map<ResourceKeyWithType, HasMetadata> byKey;

  private ResourceSnapshot(
      Map<Class<?>, List<HasMetadata>> byType,
      List<HasMetadata> all,
      Map<ResourceKeyWithType, HasMetadata> byKey) {
    this.byType = byType;
    this.all = all;
    this.byKey = byKey;
  }

  /** A builder that collects resources in load order. */
  public static Builder builder() {
    return new Builder();
  }

  /** Every resource of a type, sorted by namespace then name. */
  @SuppressWarnings("unchecked")
  public <T extends HasMetadata> List<T> list(Class<T> type) {
    return (List<T>) byType.getOrDefault(type, List.of());
  }

  /** The resource of a type with this namespace (empty for cluster-scoped) and name. */
  public <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
    if (name == null) {
      return Optional.empty();
    }
    HasMetadata found = byKey.get(new ResourceKeyWithType(type, nullToEmpty(namespace), name));
    return found == null ? Optional.empty() : Optional.of(type.cast(found));
  }

  /** Every resource in the order it was added. */
  public List<HasMetadata> all() {
    return all;
  }

  /** The number of resources. */
  public int size() {
    return all.size();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Collects resources; a later resource with the same type, namespace and name replaces one. */
  public static final class Builder {
    private final Map<ResourceKeyWithType, HasMetadata> resources = new LinkedHashMap<>();

    private Builder() {}

    /** Adds a resource, replacing an earlier one of the same type, namespace and name. */
    public Builder add(HasMetadata resource) {
      ResourceKey key = ResourceKey.of(resource); // checks that kind and name are set
      resources.put(
          new ResourceKeyWithType(resource.getClass(), key.namespace(), key.name()), resource);
      return this;
    }

    /** Adds every resource. */
    public Builder addAll(Iterable<? extends HasMetadata> all) {
      all.forEach(this::add);
      return this;
    }

    /** Freezes the collected resources. */
    public ResourceSnapshot build() {
      Map<Class<?>, List<HasMetadata>> byType = new LinkedHashMap<>();
      for (Map.Entry<ResourceKeyWithType, HasMetadata> e : resources.entrySet()) {
        byType.computeIfAbsent(e.getKey().type(), t -> new ArrayList<>()).add(e.getValue());
      }
      Map<Class<?>, List<HasMetadata>> frozen = new LinkedHashMap<>();
      byType.forEach(
          (type, list) -> {
            list.sort(BY_NAMESPACE_AND_NAME);
            frozen.put(type, List.copyOf(list));
          });
      return new ResourceSnapshot(
          Collections.unmodifiableMap(frozen),
          List.copyOf(resources.values()),
          new HashMap<>(resources));
    }
  }

  /**
   * The identity of a resource within a snapshot: its Java type (one per kind), namespace, name.
   */
  private record ResourceKeyWithType(Class<?> type, String namespace, String name) {}
}
