package dev.archway.provider.file;

import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.LoadResult;
import dev.archway.api.yaml.ManifestLoader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads manifests, re-parsing only the files that changed since the last read, and updating the
 * last snapshot with what those files hold now rather than building it again.
 *
 * <p>With thousands of routes spread over files, a change to one file must not cost a parse of all
 * of them: a file whose size, modification time and inode are unchanged reuses what it produced
 * last time. Nor a snapshot built from scratch: keying and sorting 10,000 resources again was a
 * fifth of a change's time. The merged result holds the same resources as {@link
 * ManifestLoader#load}: files in path order, a later resource of the same kind, namespace and name
 * replacing an earlier one. Only {@link ResourceSnapshot#all()}'s order may differ: a resource that
 * a change adds comes last.
 */
final class ParsedFiles {
  /**
   * Past this many resources in the changed files, the snapshot is built from scratch: updating it
   * resource by resource would cost more.
   */
  private static final int MAX_INCREMENTAL = 512;

  private record Stamp(long size, FileTime modified, Object fileKey) {}

  private record Parsed(Stamp stamp, LoadResult result) {
    ResourceSnapshot snapshot() {
      return result.snapshot();
    }
  }

  private Map<Path, Parsed> cache = Map.of();
  private ResourceSnapshot last;

  /** Loads every manifest under {@code paths}; throws what ManifestLoader throws. */
  LoadResult load(List<Path> paths) {
    List<Path> files = ManifestLoader.manifestFiles(paths);
    List<String> warnings = new ArrayList<>();
    Map<Path, Parsed> seen = new LinkedHashMap<>();
    for (Path file : files) {
      Parsed parsed = parse(file);
      seen.put(file, parsed);
      warnings.addAll(parsed.result().warnings());
    }
    ResourceSnapshot snapshot = last == null ? null : updated(seen);
    if (snapshot == null) {
      ResourceSnapshot.Builder builder = ResourceSnapshot.builder();
      seen.values().forEach(p -> builder.addAll(p.snapshot().all()));
      snapshot = builder.build();
    }
    // Files that are gone are forgotten, so a file that comes back is read again.
    cache = seen;
    last = snapshot;
    return new LoadResult(snapshot, warnings);
  }

  /**
   * The last snapshot with the resources of the files that changed, were added or are gone taken
   * out or put in; null when too many resources changed for that to pay.
   */
  private ResourceSnapshot updated(Map<Path, Parsed> now) {
    List<ResourceSnapshot> changed = new ArrayList<>();
    now.forEach(
        (file, parsed) -> {
          Parsed before = cache.get(file);
          if (before != parsed) {
            changed.add(parsed.snapshot());
            if (before != null) {
              changed.add(before.snapshot());
            }
          }
        });
    cache.forEach(
        (file, before) -> {
          if (!now.containsKey(file)) {
            changed.add(before.snapshot());
          }
        });
    if (changed.stream().mapToInt(ResourceSnapshot::size).sum() > MAX_INCREMENTAL) {
      return null;
    }
    // Each resource those files held, before or now, is decided again across every file: a
    // resource of a later file replaces the same resource of an earlier one.
    List<HasMetadata> removed = new ArrayList<>();
    List<HasMetadata> upserted = new ArrayList<>();
    for (ResourceSnapshot files : changed) {
      for (HasMetadata resource : files.all()) {
        HasMetadata winner = null;
        for (Parsed parsed : now.values()) {
          HasMetadata found = parsed.snapshot().sameAs(resource);
          winner = found != null ? found : winner;
        }
        if (winner == null) {
          removed.add(resource);
        } else if (last.sameAs(winner) != winner) {
          upserted.add(winner);
        }
      }
    }
    return last.withChanges(removed, upserted);
  }

  private Parsed parse(Path file) {
    Stamp stamp = stamp(file);
    Parsed cached = cache.get(file);
    if (cached != null && stamp != null && cached.stamp().equals(stamp)) {
      return cached;
    }
    return new Parsed(stamp, ManifestLoader.loadFile(file));
  }

  private static Stamp stamp(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
    } catch (IOException e) {
      // Unreadable now: no stamp, so it is parsed (and the error reported) every time.
      return null;
    }
  }
}
