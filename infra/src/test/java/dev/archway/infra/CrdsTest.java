package dev.archway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed CRDs of Archway's kinds, {@code deploy/crds/} and the Helm chart's {@code crds/},
 * are the ones the api module generates from its classes (fabric8 crd-generator, into the api jar's
 * {@code META-INF/fabric8/}). {@code -Dgolden.update=true} copies them over.
 */
class CrdsTest {
  /** Plurals of the archway.dev kinds; a new kind must be added here and to the chart. */
  private static final List<String> PLURALS = List.of("backends", "proxyconfigs");

  private static final Path REPO = Path.of("..");
  private static final List<Path> COPIES =
      List.of(REPO.resolve("deploy/crds"), REPO.resolve("deploy/helm/archway/crds"));

  @Test
  void committedCrdsMatchTheGeneratedOnes() throws IOException {
    for (String plural : PLURALS) {
      String generated = generated(plural);
      assertThat(generated).contains("name: \"" + plural + ".archway.dev\"");
      for (Path dir : COPIES) {
        Golden.check(dir.resolve(plural + ".archway.dev.yaml"), generated);
      }
    }
    for (Path dir : COPIES) {
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .as("only generated CRDs in %s", dir)
            .containsExactlyInAnyOrderElementsOf(
                PLURALS.stream().map(p -> p + ".archway.dev.yaml").toList());
      }
    }
  }

  private static String generated(String plural) throws IOException {
    String resource = "META-INF/fabric8/" + plural + ".archway.dev-v1.yml";
    try (InputStream in = CrdsTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as("%s on the classpath (from the api jar)", resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
