package dev.archway.app;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code -f PATH...} option shared by the commands that read manifests. */
final class ManifestPaths {
  @Option(
      names = {"-f", "--file"},
      required = true,
      paramLabel = "PATH",
      description = "Manifest files or directories (read recursively); repeatable.")
  List<Path> paths;
}
