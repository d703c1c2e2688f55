package dev.archway.dataplane.routing;

import dev.archway.ir.PathMatch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * One IR route, ready to test against requests and to act on.
 *
 * <p>{@link #rank} orders the routes of a virtual host as its list does: the translator sorted that
 * list by the Gateway API precedence, so among candidates the lowest rank wins. Ranks are spaced
 * apart ({@link Ranks}), so that a route inserted into the list takes a rank between its
 * neighbours' and the others keep theirs: a change of one route then leaves the compiled routes and
 * the path index of the others as they are.
 */
public final class CompiledRoute {
  private final long rank;
  private final String name;
  private final String hostname;
  private final PathMatch.Type pathType;
  private final String pathValue;
  private final Pattern pathRegex;
  private final String method;
  private final List<StringCondition> headers;
  private final List<StringCondition> queryParams;
  private final FilterChain filters;
  private final WeightedBackends backends;
  private final RouteOptions options;

  CompiledRoute(
      long rank,
      String name,
      String hostname,
      PathMatch.Type pathType,
      String pathValue,
      String method,
      List<StringCondition> headers,
      List<StringCondition> queryParams,
      FilterChain filters,
      WeightedBackends backends,
      RouteOptions options) {
    this.rank = rank;
    this.name = name;
    this.hostname = hostname;
    this.pathType = pathType;
    this.pathValue = pathValue;
    this.pathRegex =
        pathType == PathMatch.Type.REGULAR_EXPRESSION ? Pattern.compile(pathValue) : null;
    this.method = method;
    this.headers = List.copyOf(headers);
    this.queryParams = List.copyOf(queryParams);
    this.filters = filters;
    this.backends = backends;
    this.options = options;
  }

  /** The same route with another rank (see {@link CompileMemo}). */
  CompiledRoute at(long newRank) {
    return newRank == rank ? this : new CompiledRoute(this, newRank);
  }

  private CompiledRoute(CompiledRoute route, long rank) {
    this.rank = rank;
    this.name = route.name;
    this.hostname = route.hostname;
    this.pathType = route.pathType;
    this.pathValue = route.pathValue;
    this.pathRegex = route.pathRegex;
    this.method = route.method;
    this.headers = route.headers;
    this.queryParams = route.queryParams;
    this.filters = route.filters;
    this.backends = route.backends;
    this.options = route.options;
  }

  /**
   * Whether each upstream this route sends to (backends, mirrors) is the one named in {@code
   * upstreams}.
   */
  boolean usesOnly(Map<String, Upstream> upstreams) {
    for (Backend backend : backends.all()) {
      if (backend.upstream() != null
          && upstreams.get(backend.destination()) != backend.upstream()) {
        return false;
      }
    }
    for (RouteOptions.Mirror mirror : options.mirrors()) {
      if (upstreams.get(mirror.upstream().name()) != mirror.upstream()) {
        return false;
      }
    }
    return true;
  }

  /** Mirrors, CORS, timeouts, retry and gRPC handling; {@link RouteOptions#NONE} when unset. */
  public RouteOptions options() {
    return options;
  }

  long rank() {
    return rank;
  }

  /** The IR route name, {@code httproute/<ns>/<name>/rule/<i>/match/<j>}. */
  public String name() {
    return name;
  }

  String hostname() {
    return hostname;
  }

  /** The header conditions, all of which must hold. */
  List<StringCondition> headers() {
    return headers;
  }

  PathMatch.Type pathType() {
    return pathType;
  }

  /** The Exact path or PathPrefix (normalized, without trailing slash), or the expression. */
  String pathValue() {
    return pathValue;
  }

  /** The rule's filters, applied before those of the chosen backend. */
  public FilterChain filters() {
    return filters;
  }

  /** Whether the route has at least one backend with a weight above zero. */
  public boolean hasBackends() {
    return !backends.isEmpty();
  }

  /** Picks a backend by weight, or returns null when there is none to pick. */
  public Backend pickBackend() {
    return backends.pick(ThreadLocalRandom.current());
  }

  WeightedBackends backends() {
    return backends;
  }

  /** Whether every condition holds, including the path (cheap to re-check for indexed paths). */
  boolean matches(RouteRequest request) {
    if (!matchesPath(request.path())) {
      return false;
    }
    if (method != null && !method.equals(request.method())) {
      return false;
    }
    for (StringCondition header : headers) {
      if (!header.test(request.header(header.name()))) {
        return false;
      }
    }
    for (StringCondition param : queryParams) {
      if (!param.test(request.queryParam(param.name()))) {
        return false;
      }
    }
    return true;
  }

  private boolean matchesPath(String path) {
    return switch (pathType) {
      case EXACT -> pathValue.equals(path);
      case PATH_PREFIX -> PathPrefix.matches(pathValue, path);
      case REGULAR_EXPRESSION -> pathRegex.matcher(path).matches();
    };
  }

  /** One line describing the conditions, for {@link RouteTable#dump()}. */
  String describeConditions() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        switch (pathType) {
          case EXACT -> "Exact ";
          case PATH_PREFIX -> "PathPrefix ";
          case REGULAR_EXPRESSION -> "RegularExpression ";
        });
    sb.append(pathType == PathMatch.Type.PATH_PREFIX && pathValue.isEmpty() ? "/" : pathValue);
    if (method != null) {
      sb.append(" method=").append(method);
    }
    if (!headers.isEmpty()) {
      sb.append(" headers=").append(headers);
    }
    if (!queryParams.isEmpty()) {
      sb.append(" query=").append(queryParams);
    }
    return sb.toString();
  }
}
