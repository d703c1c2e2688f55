package dev.archway.dataplane.routing;

import dev.archway.ir.StringMatchType;
import java.util.regex.Pattern;

/**
 * One header or query parameter condition, with its regular expression compiled once.
 *
 * @param name the header name (compared case-insensitively by the lookup) or parameter name
 * @param pattern the compiled expression for {@link StringMatchType#REGULAR_EXPRESSION}, else null
 */
record StringCondition(String name, StringMatchType type, String value, Pattern pattern) {

  static StringCondition of(String name, StringMatchType type, String value) {
    Pattern pattern = type == StringMatchType.REGULAR_EXPRESSION ? Pattern.compile(value) : null;
    return new StringCondition(name, type, value, pattern);
  }

  /** Whether the whole value fits; an absent value (null) never does. */
  boolean test(String actual) {
    if (actual == null) {
      return false;
    }
    return pattern == null ? value.equals(actual) : pattern.matcher(actual).matches();
  }

  @Override
  public String toString() {
    return name + (pattern == null ? "=" : "~") + value;
  }
}
