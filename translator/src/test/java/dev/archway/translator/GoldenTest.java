package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.LoadResult;
import dev.archway.api.yaml.ManifestLoader;
import dev.archway.api.yaml.ResourceWriter;
import dev.archway.ir.IrCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests: {@code testdata/<case>.in.yaml} (plus the shared {@code testdata/base/base.yaml}
 * and {@code testdata/base/tls.yaml}, evaluated at {@link #NOW}) is translated and printed as
 * {@code problems:}, {@code statuses:} and {@code ir:}, which must equal {@code <case>.out.yaml}.
 * Run with {@code -Dgolden.update=true} to rewrite the .out files, then read every diff before
 * committing it.
 */
class GoldenTest {
  static final Path TESTDATA = Path.of("src/test/resources/testdata");
  static final Path BASE = TESTDATA.resolve("base/base.yaml");
  static final Path TLS = TESTDATA.resolve("base/tls.yaml");

  /** The time certificates are checked against, so that goldens do not depend on the clock. */
  static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  /**
   * What the data plane reports, per case: most cases translate offline ({@link
   * RuntimeFacts#NONE}); a case whose name contains a key below gets those facts.
   */
  private static final Map<String, RuntimeFacts> FACTS =
      Map.of(
          "port-unavailable",
          new RuntimeFacts(
              Map.of("gateway/default/gw/port/8080", "bind 0.0.0.0:8080: address already in use"),
              Map.of()),
          "status-addresses",
          new RuntimeFacts(
              Map.of(),
              Map.of("default/gw", List.of("192.0.2.10", "2001:db8::10", "gw.example.net"))),
          "address-not-usable",
          new RuntimeFacts(
              Map.of(
                  "gateway/default/gw/port/8080",
                  "not served: spec.addresses[0]: IPAddress \"192.0.2.1\" is not usable"
                      + " (expected: an address in --address-range 127.0.1.1-127.0.1.254)"),
              Map.of(),
              Map.of(
                  "default/gw",
                  "spec.addresses[0]: IPAddress \"192.0.2.1\" is not usable"
                      + " (expected: an address in --address-range 127.0.1.1-127.0.1.254)"),
              null));

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(TESTDATA)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".in.yaml"))
          .map(n -> n.substring(0, n.length() - ".in.yaml".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translate(String name) throws IOException {
    LoadResult loaded =
        ManifestLoader.load(List.of(BASE, TLS, TESTDATA.resolve(name + ".in.yaml")));
    assertThat(loaded.warnings()).as("load warnings").isEmpty();
    ResourceSnapshot snapshot = loaded.snapshot();
    String before = ResourceWriter.toYamlDocuments(snapshot.all());

    TranslationResult result = Translator.translate(snapshot, factsFor(name));
    String actual = render(result);

    assertThat(ResourceWriter.toYamlDocuments(snapshot.all()))
        .as("the translator must not modify its input")
        .isEqualTo(before);
    assertThat(render(Translator.translate(snapshot, factsFor(name))))
        .as("a second translation")
        .isEqualTo(actual);
    assertThat(Translator.referencedObjects(snapshot))
        .as(
            "referencedObjects: the Secrets and ConfigMaps the translation read (the provider"
                + " watches these)")
        .isEqualTo(
            result.lookups().stream()
                .filter(k -> k.kind().equals("Secret") || k.kind().equals("ConfigMap"))
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));

    Path out = TESTDATA.resolve(name + ".out.yaml");
    if (UPDATE) {
      Files.writeString(out, actual);
      return;
    }
    if (!Files.exists(out)) {
      fail(out + " does not exist; run with -Dgolden.update=true to create it");
    }
    String expected = Files.readString(out);
    if (!expected.equals(actual)) {
      fail(
          name
              + ": output differs from "
              + out
              + " (- expected, + actual; -Dgolden.update=true rewrites it):\n"
              + LineDiff.diff(expected, actual));
    }
  }

  static RuntimeFacts factsFor(String name) {
    return FACTS.entrySet().stream()
        .filter(e -> name.contains(e.getKey()))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(RuntimeFacts.NONE)
        .withNow(NOW);
  }

  static String render(TranslationResult result) {
    Map<String, Object> statuses = new LinkedHashMap<>();
    result
        .statuses()
        .forEach((key, status) -> statuses.put(key.toString(), ResourceWriter.toTree(status)));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("problems", result.problems());
    document.put("statuses", statuses);
    StringBuilder out = new StringBuilder(ResourceWriter.toYaml(document));
    out.append("ir:\n");
    for (String line : IrCodec.toYaml(result.config()).split("\n")) {
      out.append("  ").append(line).append('\n');
    }
    return out.toString();
  }

  /** A small line diff (longest common subsequence) with three lines of context. */
  static final class LineDiff {
    private LineDiff() {}

    static String diff(String expected, String actual) {
      String[] a = expected.split("\n", -1);
      String[] b = actual.split("\n", -1);
      int[][] lcs = new int[a.length + 1][b.length + 1];
      for (int i = a.length - 1; i >= 0; i--) {
        for (int j = b.length - 1; j >= 0; j--) {
          lcs[i][j] =
              a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        }
      }
      List<String> lines = new ArrayList<>();
      int i = 0;
      int j = 0;
      while (i < a.length || j < b.length) {
        if (i < a.length && j < b.length && a[i].equals(b[j])) {
          lines.add("  " + a[i]);
          i++;
          j++;
        } else if (i < a.length && (j == b.length || lcs[i + 1][j] >= lcs[i][j + 1])) {
          lines.add("- " + a[i++]);
        } else {
          lines.add("+ " + b[j++]);
        }
      }
      StringBuilder out = new StringBuilder();
      int lastPrinted = -1;
      for (int k = 0; k < lines.size(); k++) {
        boolean near = false;
        for (int d = Math.max(0, k - 3); d <= Math.min(lines.size() - 1, k + 3) && !near; d++) {
          near = !lines.get(d).startsWith("  ");
        }
        if (near) {
          if (lastPrinted >= 0 && k > lastPrinted + 1) {
            out.append("  ...\n");
          }
          out.append(lines.get(k)).append('\n');
          lastPrinted = k;
        }
      }
      return out.toString();
    }
  }
}
