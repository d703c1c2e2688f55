package dev.archway.provider.kubernetes;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The normalized objects the informers hold, and snapshots of them. A snapshot is the previous one
 * updated with the objects changed since ({@link ResourceSnapshot#withChanges}) rather than built
 * again from every object: at 10,000 routes a build keys, groups and sorts them all, and a route's
 * change builds two or three snapshots (the references are looked up in one before the update is
 * published). Not thread-safe: the provider holds its lock.
 */
final class LiveObjects {
  /** Beyond this many objects changed since the last snapshot, a new one is built from scratch. */
  static final int MAX_INCREMENTAL = 512;

  private final Map<ResourceKey, HasMetadata> objects = new HashMap<>();

  /**
   * Each object changed since the last snapshot, with what that snapshot holds for it (null: it
   * held none).
   */
  private final Map<ResourceKey, HasMetadata> inLast = new HashMap<>();

  private ResourceSnapshot last;

  HasMetadata get(ResourceKey key) {
    return objects.get(key);
  }

  /** Adds or replaces the object; returns the one it replaced, or null. */
  HasMetadata put(ResourceKey key, HasMetadata object) {
    HasMetadata before = objects.put(key, object);
    remember(key, before);
    return before;
  }

  /** Removes the object; returns it, or null if there was none. */
  HasMetadata remove(ResourceKey key) {
    HasMetadata before = objects.remove(key);
    if (before != null) {
      remember(key, before);
    }
    return before;
  }

  private void remember(ResourceKey key, HasMetadata before) {
    if (last != null && !inLast.containsKey(key)) {
      inLast.put(key, before);
    }
  }

  /** Every object now. */
  ResourceSnapshot snapshot() {
    if (last == null || inLast.size() > MAX_INCREMENTAL) {
      ResourceSnapshot.Builder builder = ResourceSnapshot.builder();
      objects.values().forEach(builder::add);
      last = builder.build();
    } else {
      List<HasMetadata> removed = new ArrayList<>();
      List<HasMetadata> upserted = new ArrayList<>();
      inLast.forEach(
          (key, before) -> {
            HasMetadata now = objects.get(key);
            if (now == null) {
              if (before != null) {
                removed.add(before);
              }
            } else if (now != before) {
              upserted.add(now);
            }
          });
      last = last.withChanges(removed, upserted);
    }
    inLast.clear();
    return last;
  }
}
