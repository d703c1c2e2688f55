package dev.archway.ir;

import java.util.Objects;

/**
 * A path condition.
 *
 * @param type how {@code value} is compared
 * @param value the path, prefix or regular expression
 */
public record PathMatch(Type type, String value) {
  public static final PathMatch ANY = new PathMatch(Type.PATH_PREFIX, "/");

  public PathMatch {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(value, "value");
  }

  /** The spec's path match types. */
  public enum Type {
    /** The path equals the value, case-sensitively. */
    EXACT,
    /** The path starts with the value, segment by segment: {@code /abc} matches {@code /abc/d}. */
    PATH_PREFIX,
    /** The whole path matches a Java regular expression. */
    REGULAR_EXPRESSION
  }
}
