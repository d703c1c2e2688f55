package dev.archway.api.snapshot;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
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

  /** Up to this many resources changed, {@link #withChanges} finds them in all() by a scan. */
  private static final int FEW = 16;

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

  /**
   * The types of the resources, each with its list as {@link #list} gives it. A snapshot made by
   * {@link #withChanges} shares the list objects of the types that did not change.
   */
  public Map<Class<?>, List<HasMetadata>> byType() {
    return byType;
  }

  /**
   * The resource of this snapshot with the same type, namespace and name as {@code like} (which may
   * come from another snapshot), or null.
   */
  public HasMetadata sameAs(HasMetadata like) {
    return byKey.get(ResourceKeyWithType.of(like));
  }

  /**
   * This snapshot with the resources named by {@code removed} taken out, then {@code upserted}
   * added, each replacing the resource of the same type, namespace and name: the snapshot a {@link
   * Builder} would give for those resources in that order, including the order of {@link #all()}.
   *
   * <p>Why: a change to one file of 10,000 routes built the whole snapshot again (every resource
   * keyed, grouped and sorted: a fifth of a change's time, and most of it while the JIT had not yet
   * compiled it). Here the lists of the types that did not change are shared, and a changed type's
   * sorted list is copied and updated by binary search.
   *
   * @param removed resources whose type, namespace and name are taken out; absent ones are ignored
   * @param upserted resources added or replacing one, in order
   */
  public ResourceSnapshot withChanges(
      Collection<? extends HasMetadata> removed, Collection<? extends HasMetadata> upserted) {
    if (removed.isEmpty() && upserted.isEmpty()) {
      return this;
    }
    Map<ResourceKeyWithType, HasMetadata> keyed = new HashMap<>(byKey);
    Map<Class<?>, List<HasMetadata>> changedLists = new HashMap<>();
    // What becomes of this snapshot's resources in all(): replaced by another object, or gone
    // (null). Resources that are not this snapshot's go last, in the order they first came.
    Map<HasMetadata, HasMetadata> fate = new IdentityHashMap<>();
    Map<ResourceKeyWithType, HasMetadata> appended = new LinkedHashMap<>();
    for (HasMetadata r : removed) {
      ResourceKeyWithType key = ResourceKeyWithType.of(r);
      HasMetadata old = keyed.remove(key);
      if (old != null) {
        HasMetadata own = byKey.get(key);
        if (own != null) {
          fate.put(own, null);
        }
        appended.remove(key);
        List<HasMetadata> list = changedList(old.getClass(), changedLists);
        list.remove(Collections.binarySearch(list, old, BY_NAMESPACE_AND_NAME));
      }
    }
    for (HasMetadata r : upserted) {
      ResourceKeyWithType key = ResourceKeyWithType.of(r);
      HasMetadata old = keyed.put(key, r);
      HasMetadata own = byKey.get(key);
      if (own != null && !(fate.containsKey(own) && fate.get(own) == null)) {
        fate.put(own, r); // in place, as a builder replaces
      } else {
        appended.put(key, r);
      }
      List<HasMetadata> list = changedList(r.getClass(), changedLists);
      int at = Collections.binarySearch(list, r, BY_NAMESPACE_AND_NAME);
      if (old == null) {
        list.add(-at - 1, r);
      } else {
        list.set(at, r);
      }
    }
    Map<Class<?>, List<HasMetadata>> lists = new LinkedHashMap<>(byType);
    changedLists.forEach(
        (type, list) -> {
          if (list.isEmpty()) {
            lists.remove(type);
          } else {
            lists.put(type, List.copyOf(list));
          }
        });
    List<HasMetadata> inOrder = new ArrayList<>(all.size() + appended.size());
    inOrder.addAll(all);
    if (fate.size() <= FEW) {
      // A change of a few resources: find each by a scan rather than look up every resource.
      fate.forEach(
          (own, now) -> {
            int at = indexOfSame(inOrder, own);
            if (now == null) {
              inOrder.remove(at);
            } else {
              inOrder.set(at, now);
            }
          });
    } else {
      inOrder.clear();
      for (HasMetadata r : all) {
        HasMetadata now = fate.containsKey(r) ? fate.get(r) : r;
        if (now != null) {
          inOrder.add(now);
        }
      }
    }
    inOrder.addAll(appended.values());
    return new ResourceSnapshot(Collections.unmodifiableMap(lists), List.copyOf(inOrder), keyed);
  }

  private static int indexOfSame(List<HasMetadata> list, HasMetadata r) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) == r) {
        return i;
      }
    }
    throw new IllegalStateException("not in the list: " + ResourceKey.of(r));
  }

  private List<HasMetadata> changedList(
      Class<?> type, Map<Class<?>, List<HasMetadata>> changedLists) {
    return changedLists.computeIfAbsent(
        type, t -> new ArrayList<>(byType.getOrDefault(t, List.of())));
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
      resources.put(ResourceKeyWithType.of(resource), resource);
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
        byType.computeIfAbsent(e.getKey().type, t -> new ArrayList<>()).add(e.getValue());
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
   * Not a record: its hash is kept, since {@link #withChanges} copies a map of thousands of keys.
   */
  private static final class ResourceKeyWithType {
    private final Class<?> type;
    private final String namespace;
    private final String name;
    private final int hash;

    private ResourceKeyWithType(Class<?> type, String namespace, String name) {
      this.type = type;
      this.namespace = namespace;
      this.name = name;
      this.hash = (type.hashCode() * 31 + namespace.hashCode()) * 31 + name.hashCode();
    }

    static ResourceKeyWithType of(HasMetadata resource) {
      ResourceKey key = ResourceKey.of(resource); // checks that kind and name are set
      return new ResourceKeyWithType(resource.getClass(), key.namespace(), key.name());
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ResourceKeyWithType k
          && hash == k.hash
          && type == k.type
          && namespace.equals(k.namespace)
          && name.equals(k.name);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
