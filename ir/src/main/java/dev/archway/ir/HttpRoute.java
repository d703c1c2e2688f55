package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * One match of one HTTPRoute rule, ready to serve.
 *
 * <p>A rule with several matches becomes several routes sharing filters and backends, because
 * precedence is decided per match.
 *
 * @param name {@code httproute/<namespace>/<name>/rule/<i>/match/<j>}
 * @param hostname the hostname this route serves under: exact, wildcard, or {@code *} for any
 * @param match what a request must look like
 * @param filters rule-level filters, applied in this order
 * @param backends where traffic goes; empty means the rule has no usable backend (500)
 * @param options mirrors, CORS, timeouts, retry and gRPC handling, or null when the rule has none
 */
public record HttpRoute(
    String name,
    String hostname,
    HttpMatch match,
    List<HttpFilter> filters,
    List<WeightedBackend> backends,
    HttpRouteOptions options) {
  public HttpRoute {
    Objects.requireNonNull(name, "name");
    hostname = Objects.requireNonNullElse(hostname, "*");
    match = Objects.requireNonNullElse(match, HttpMatch.ANY);
    filters = List.copyOf(Objects.requireNonNullElse(filters, List.of()));
    backends = List.copyOf(Objects.requireNonNullElse(backends, List.of()));
    if (options != null && options.isEmpty()) {
      options = null;
    }
  }

  /** A route without options. */
  public HttpRoute(
      String name,
      String hostname,
      HttpMatch match,
      List<HttpFilter> filters,
      List<WeightedBackend> backends) {
    this(name, hostname, match, filters, backends, null);
  }
}
