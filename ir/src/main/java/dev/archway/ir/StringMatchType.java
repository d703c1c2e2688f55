package dev.archway.ir;

/** How a header or query parameter value is compared. */
public enum StringMatchType {
  /** Equal, case-sensitively. */
  EXACT,
  /** The whole value matches a Java regular expression. */
  REGULAR_EXPRESSION
}
