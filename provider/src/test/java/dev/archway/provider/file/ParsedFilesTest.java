package dev.archway.provider.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.yaml.LoadResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
