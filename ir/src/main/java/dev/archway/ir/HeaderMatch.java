package dev.archway.ir;

import java.util.Objects;

/**
 * A request header condition. When a request carries the header several times, the values are
 * joined with commas before comparison.
 */
public record HeaderMatch(String name, StringMatchType type, String value) {
  public HeaderMatch {
    Objects.requireNonNull(name, "name");
    type = Objects.requireNonNullElse(type, StringMatchType.EXACT);
    Objects.requireNonNull(value, "value");
  }
}
