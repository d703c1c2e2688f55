package dev.archway.api.yaml;

import dev.archway.api.snapshot.ResourceSnapshot;
import java.util.List;

/**
 * What a load produced.
 *
 * @param snapshot every supported resource that was read
 * @param warnings one line per document that was skipped, such as an unsupported kind, each
 *     starting with {@code file:line:}
 */
public record LoadResult(ResourceSnapshot snapshot, List<String> warnings) {
  public LoadResult {
    warnings = List.copyOf(warnings);
  }
}
