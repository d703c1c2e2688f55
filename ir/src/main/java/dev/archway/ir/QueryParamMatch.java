package dev.archway.ir;

import java.util.Objects;

/** A query parameter condition; when a parameter repeats, its first value is compared. */
public record QueryParamMatch(String name, StringMatchType type, String value) {
  public QueryParamMatch {
    Objects.requireNonNull(name, "name");
    type = Objects.requireNonNullElse(type, StringMatchType.EXACT);
    Objects.requireNonNull(value, "value");
  }
}
