package dev.archway.api.yaml;

import java.nio.file.Path;

/**
 * A manifest that cannot be read: a YAML syntax error or a value of the wrong shape. The message
 * starts with {@code file:line:} so that editors and terminals can jump to it.
 */
public final class ManifestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Path file;
  private final int line;

  public ManifestException(Path file, int line, String message, Throwable cause) {
    super(file + ":" + line + ": " + message, cause);
    this.file = file;
    this.line = line;
  }

  /** The file that could not be read. */
  public Path file() {
    return file;
  }

  /** The 1-based line of the problem, or 0 when unknown. */
  public int line() {
    return line;
  }
}
