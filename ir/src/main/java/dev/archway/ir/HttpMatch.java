package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * The conditions of one HTTPRouteMatch; all must hold.
 *
 * @param path the path condition (defaults to prefix {@code /})
 * @param method the HTTP method, or null for any
 * @param headers header conditions; names are compared case-insensitively
 * @param queryParams query parameter conditions; names are compared exactly
 */
public record HttpMatch(
    PathMatch path, String method, List<HeaderMatch> headers, List<QueryParamMatch> queryParams) {
  public static final HttpMatch ANY = new HttpMatch(PathMatch.ANY, null, List.of(), List.of());

  public HttpMatch {
    path = Objects.requireNonNullElse(path, PathMatch.ANY);
    headers = List.copyOf(Objects.requireNonNullElse(headers, List.of()));
    queryParams = List.copyOf(Objects.requireNonNullElse(queryParams, List.of()));
  }
}
