package dev.archway.provider.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.archway.api.yaml.LoadResult;
import dev.archway.api.yaml.ManifestException;
import io.fabric8.kubernetes.api.model.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileProviderTest {
  @TempDir Path dir;

  private final List<LoadResult> loads = new CopyOnWriteArrayList<>();
  private final List<ManifestException> failures = new CopyOnWriteArrayList<>();
  private FileProvider provider;

  private final FileProvider.Listener listener =
      new FileProvider.Listener() {
        @Override
        public void loaded(LoadResult result) {
          loads.add(result);
        }

        @Override
        public void failed(ManifestException error) {
          failures.add(error);
        }
      };

  @AfterEach
  void close() throws IOException {
    if (provider != null) {
      provider.close();
    }
  }

  private static String namespaces(String... names) {
    StringBuilder yaml = new StringBuilder();
    for (String name : names) {
      yaml.append("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ")
          .append(name)
          .append("}\n");
    }
    return yaml.toString();
  }

  private List<String> lastNames() {
    return loads.get(loads.size() - 1).snapshot().list(Namespace.class).stream()
        .map(n -> n.getMetadata().getName())
        .toList();
  }

  @Test
  void loadsOnStartAndReloadsWhenAFileInTheDirectoryChanges() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), namespaces("one"));
    provider = FileProvider.start(List.of(dir), listener, Duration.ofMillis(50));
    assertThat(loads).hasSize(1);
    assertThat(lastNames()).containsExactly("one");

    Files.writeString(dir.resolve("a.yaml"), namespaces("one", "two"));
    await().atMost(Duration.ofSeconds(5)).until(() -> lastNames().contains("two"));
  }

  @Test
  void seesFilesInNewSubdirectories() throws IOException {
    provider = FileProvider.start(List.of(dir), listener, Duration.ofMillis(50));
    Path sub = Files.createDirectories(dir.resolve("sub"));
    // The directory's creation triggers a reload that registers it; then its file appears.
    await().atMost(Duration.ofSeconds(5)).until(() -> loads.size() >= 2);
    Files.writeString(sub.resolve("b.yaml"), namespaces("nested"));
    await().atMost(Duration.ofSeconds(5)).until(() -> lastNames().contains("nested"));
  }

  @Test
  void aFileReplacedByRenameIsReloaded() throws IOException {
    Path file = dir.resolve("a.yaml");
    Files.writeString(file, namespaces("before"));
    provider = FileProvider.start(List.of(file), listener, Duration.ofMillis(50));

    Path temp = dir.resolve(".a.yaml.tmp");
    Files.writeString(temp, namespaces("after"));
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    await().atMost(Duration.ofSeconds(5)).until(() -> lastNames().contains("after"));
  }

  @Test
  void aBrokenFileIsReportedAndTheNextFixIsLoaded() throws IOException {
    Path file = dir.resolve("a.yaml");
    Files.writeString(file, namespaces("good"));
    provider = FileProvider.start(List.of(dir), listener, Duration.ofMillis(50));

    Files.writeString(file, "apiVersion: v1\nkind: Namespace\nmetadata: {name: [\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> !failures.isEmpty());
    assertThat(failures.get(0)).hasMessageStartingWith(file + ":");
    assertThat(lastNames()).containsExactly("good");

    Files.writeString(file, namespaces("fixed"));
    await().atMost(Duration.ofSeconds(5)).until(() -> lastNames().contains("fixed"));
  }
}
