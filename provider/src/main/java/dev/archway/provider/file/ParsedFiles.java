package dev.archway.provider.file;

import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.LoadResult;
import dev.archway.api.yaml.ManifestLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads manifests, re-parsing only the files that changed since the last read.
 *
 * <p>With thousands of routes spread over files, a change to one file must not cost a parse of all
 * of them: a file whose size, modification time and inode are unchanged reuses what it produced
 * last time. The merged result is the same as {@link ManifestLoader#load}: files in path order, a
 * later resource of the same kind, namespace and name replacing an earlier one.
 */
final class ParsedFiles {
  private record Stamp(long size, FileTime modified, Object fileKey) {}

  private record Parsed(Stamp stamp, LoadResult result) {}

  private final Map<Path, Parsed> cache = new HashMap<>();

  /** Loads every manifest under {@code paths}; throws what ManifestLoader throws. */
  LoadResult load(List<Path> paths) {
    List<Path> files = ManifestLoader.manifestFiles(paths);
    ResourceSnapshot.Builder snapshot = ResourceSnapshot.builder();
    List<String> warnings = new ArrayList<>();
    Map<Path, Parsed> seen = new HashMap<>();
    for (Path file : files) {
      Parsed parsed = parse(file);
      seen.put(file, parsed);
      snapshot.addAll(parsed.result().snapshot().all());
      warnings.addAll(parsed.result().warnings());
    }
    // Forget files that are gone, so a file that comes back is read again.
    cache.keySet().retainAll(seen.keySet());
    cache.putAll(seen);
    return new LoadResult(snapshot.build(), warnings);
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
