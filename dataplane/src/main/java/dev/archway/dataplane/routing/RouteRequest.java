package dev.archway.dataplane.routing;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What routing looks at in a request, independent of Netty so that the matcher can be tested with
 * plain values.
 *
 * <p>Not thread-safe: the query string is parsed lazily, at most once, and only when a candidate
 * route has query conditions. One instance serves one request on one event loop.
 */
public final class RouteRequest {
  private final String host;
  private final RequestTarget target;
  private final String method;
  private final Function<String, List<String>> headers;
  private Map<String, List<String>> query;

  /**
   * @param hostHeader the Host header or {@code :authority}, possibly with a port, or null
   * @param target the parsed request-target
   * @param method the request method, such as {@code GET}
   * @param headers all values of a header by case-insensitive name; empty when absent
   */
  public RouteRequest(
      String hostHeader,
      RequestTarget target,
      String method,
      Function<String, List<String>> headers) {
    this.host = Hostnames.fromHeader(hostHeader);
    this.target = Objects.requireNonNull(target, "target");
    this.method = Objects.requireNonNull(method, "method");
    this.headers = Objects.requireNonNull(headers, "headers");
  }

  /** The host without port, lower case; empty when the request named none. */
  public String host() {
    return host;
  }

  /** The normalized path. */
  public String path() {
    return target.path();
  }

  public RequestTarget target() {
    return target;
  }

  public String method() {
    return method;
  }

  /** Every value of a header, joined with commas as the Gateway API compares them; or null. */
  String header(String name) {
    List<String> values = headers.apply(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.get(0) : String.join(",", values);
  }

  /** The first value of a query parameter, or null. */
  String queryParam(String name) {
    if (query == null) {
      query = QueryParams.parse(target.rawQuery());
    }
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
