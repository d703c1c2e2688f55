package dev.archway.provider.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.yaml.LoadResult;
import dev.archway.api.yaml.ManifestLoader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParsedFilesTest {
  @TempDir Path dir;

  private final ParsedFiles files = new ParsedFiles();

  private void write(String file, String namespace) throws IOException {
    Files.writeString(
        dir.resolve(file),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + namespace + "}\n");
  }

  private HasMetadata namespace(LoadResult result, String name) {
    return result.snapshot().find(Namespace.class, null, name).orElseThrow();
  }

  @Test
  void unchangedFilesAreNotParsedAgain() throws IOException {
    write("a.yaml", "a");
    write("b.yaml", "b");
    LoadResult first = files.load(List.of(dir));

    write("b.yaml", "b2");
    LoadResult second = files.load(List.of(dir));

    // The same object, not an equal copy: a.yaml was not read again.
    assertThat(namespace(second, "a")).isSameAs(namespace(first, "a"));
    assertThat(second.snapshot().list(Namespace.class))
        .extracting(n -> n.getMetadata().getName())
        .containsExactly("a", "b2");
  }

  @Test
  void deletedFilesDropTheirResources() throws IOException {
    write("a.yaml", "a");
    write("b.yaml", "b");
    files.load(List.of(dir));
    Files.delete(dir.resolve("b.yaml"));
    assertThat(files.load(List.of(dir)).snapshot().list(Namespace.class))
        .extracting(n -> n.getMetadata().getName())
        .containsExactly("a");
  }

  @Test
  void anUnchangedDirectoryGivesTheSameSnapshot() throws IOException {
    write("a.yaml", "a");
    LoadResult first = files.load(List.of(dir));
    assertThat(files.load(List.of(dir)).snapshot()).isSameAs(first.snapshot());
  }

  /**
   * Random edits, additions and deletions of files whose resources collide across files: after
   * each, the incrementally updated snapshot holds what a full load holds, the later file's
   * resource winning.
   */
  @Test
  void updatedSnapshotsHoldWhatAFullLoadHolds() throws IOException {
    Random random = new Random(11);
    for (int step = 0; step < 120; step++) {
      String file = "f" + random.nextInt(4) + ".yaml";
      if (random.nextInt(5) == 0) {
        Files.deleteIfExists(dir.resolve(file));
      } else {
        StringBuilder yaml = new StringBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
          yaml.append(
                  "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: default, name: c")
              .append(random.nextInt(5))
              .append("}\ndata: {from: ")
              .append(file)
              .append(", step: \"")
              .append(step)
              .append("\"}\n");
        }
        // A new size, so that the stamp changes even within the file system's time resolution.
        yaml.append("# ").append("x".repeat(step)).append('\n');
        Files.writeString(dir.resolve(file), yaml);
      }
      LoadResult incremental = files.load(List.of(dir));
      LoadResult full = ManifestLoader.load(List.of(dir));

      assertThat(incremental.snapshot().list(ConfigMap.class))
          .as("step %d", step)
          .containsExactlyElementsOf(full.snapshot().list(ConfigMap.class));
      assertThat(incremental.snapshot().all())
          .as("step %d", step)
          .containsExactlyInAnyOrderElementsOf(full.snapshot().all());
    }
  }
}
