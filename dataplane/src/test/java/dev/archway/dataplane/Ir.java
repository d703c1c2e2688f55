package dev.archway.dataplane;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HeaderMatch;
import dev.archway.ir.HttpFilter;
import dev.archway.ir.HttpListener;
import dev.archway.ir.HttpMatch;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.PathMatch;
import dev.archway.ir.QueryParamMatch;
import dev.archway.ir.StringMatchType;
import dev.archway.ir.VirtualHost;
import dev.archway.ir.WeightedBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Short constructors for IR values in tests. */
public final class Ir {
  private Ir() {}

  public static HttpMatch prefix(String path) {
    return new HttpMatch(new PathMatch(PathMatch.Type.PATH_PREFIX, path), null, null, null);
  }

  public static HttpMatch exact(String path) {
    return new HttpMatch(new PathMatch(PathMatch.Type.EXACT, path), null, null, null);
  }

  public static HttpMatch regex(String path) {
    return new HttpMatch(new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, path), null, null, null);
  }

  public static HttpMatch withMethod(HttpMatch m, String method) {
    return new HttpMatch(m.path(), method, m.headers(), m.queryParams());
  }

  public static HttpMatch withHeader(HttpMatch m, String name, String value) {
    List<HeaderMatch> headers = new ArrayList<>(m.headers());
    headers.add(new HeaderMatch(name, StringMatchType.EXACT, value));
    return new HttpMatch(m.path(), m.method(), headers, m.queryParams());
  }

  public static HttpMatch withHeaderRegex(HttpMatch m, String name, String regex) {
    List<HeaderMatch> headers = new ArrayList<>(m.headers());
    headers.add(new HeaderMatch(name, StringMatchType.REGULAR_EXPRESSION, regex));
    return new HttpMatch(m.path(), m.method(), headers, m.queryParams());
  }

  public static HttpMatch withQuery(HttpMatch m, String name, String value) {
    List<QueryParamMatch> params = new ArrayList<>(m.queryParams());
    params.add(new QueryParamMatch(name, StringMatchType.EXACT, value));
    return new HttpMatch(m.path(), m.method(), m.headers(), params);
  }

  public static WeightedBackend backend(String destination, int weight, HttpFilter... filters) {
    return new WeightedBackend(destination, weight, List.of(filters));
  }

  public static HttpRoute route(
      String name, String hostname, HttpMatch match, WeightedBackend... backends) {
    return new HttpRoute(name, hostname, match, List.of(), List.of(backends));
  }

  public static HttpRoute route(
      String name,
      String hostname,
      HttpMatch match,
      List<HttpFilter> filters,
      WeightedBackend... backends) {
    return new HttpRoute(name, hostname, match, filters, List.of(backends));
  }

  public static VirtualHost vhost(String name, String hostname, HttpRoute... routes) {
    return new VirtualHost(name, hostname, List.of(routes));
  }

  public static HttpListener listener(int port, VirtualHost... hosts) {
    return new HttpListener("gateway/default/gw/port/" + port, port, List.of(hosts));
  }

  /** A listener whose one route sends every request to {@code destination}. */
  public static HttpListener catchAll(int port, String destination) {
    return listener(port, vhost("v", "*", route("all", "*", prefix("/"), backend(destination, 1))));
  }

  public static Destination destination(String name, String address, int... ports) {
    return new Destination(
        name,
        Destination.AppProtocol.HTTP1,
        Arrays.stream(ports).mapToObj(p -> new Endpoint(address, p)).toList());
  }

  public static DataPlaneConfig config(
      String bindAddress, List<HttpListener> listeners, List<Destination> destinations) {
    return new DataPlaneConfig(
        List.of(new GatewayIr("gateway/default/gw", bindAddress, listeners)), destinations);
  }

  public static DataPlaneConfig config(HttpListener listener, Destination... destinations) {
    return config("127.0.0.1", List.of(listener), List.of(destinations));
  }

  public static HttpFilter.Header header(String name, String value) {
    return new HttpFilter.Header(name, value);
  }

  public static HttpFilter.PathModifier fullPath(String value) {
    return new HttpFilter.PathModifier(HttpFilter.PathModifier.Type.REPLACE_FULL_PATH, value, null);
  }

  public static HttpFilter.PathModifier prefixPath(String matchedPrefix, String value) {
    return new HttpFilter.PathModifier(
        HttpFilter.PathModifier.Type.REPLACE_PREFIX_MATCH, value, matchedPrefix);
  }
}
