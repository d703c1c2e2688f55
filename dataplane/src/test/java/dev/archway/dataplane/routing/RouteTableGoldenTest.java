package dev.archway.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.ir.IrCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IR in, {@link RouteTable#dump()} out: {@code routetable/<case>.ir.yaml} compiles to {@code
 * <case>.routes.txt}. Run with {@code -Dgolden.update=true} to rewrite the expected files, then
 * read the diff before committing it.
 */
class RouteTableGoldenTest {
  private static final Path DIR = Path.of("src/test/resources/routetable");
  private static final String IR = ".ir.yaml";

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(IR))
          .map(n -> n.substring(0, n.length() - IR.length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void dumpMatchesGolden(String name) throws IOException {
    String dump =
        RouteTable.compile(IrCodec.fromYaml(Files.readString(DIR.resolve(name + IR)))).dump();
    Path golden = DIR.resolve(name + ".routes.txt");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, dump);
    }
    assertThat(golden).exists();
    assertThat(dump).isEqualTo(Files.readString(golden));
  }
}
