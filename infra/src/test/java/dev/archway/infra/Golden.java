package dev.archway.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Compares text with a committed file; {@code -Dgolden.update=true} rewrites the file instead. */
final class Golden {
  static final boolean UPDATE = Boolean.getBoolean("golden.update");

  private Golden() {}

  static void check(Path file, String actual) throws IOException {
    if (UPDATE) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual);
      return;
    }
    assertThat(file).as("%s is missing; run with -Dgolden.update=true to create it", file).exists();
    assertThat(actual)
        .as("%s differs (run with -Dgolden.update=true to rewrite it, then read the diff)", file)
        .isEqualTo(Files.readString(file));
  }
}
