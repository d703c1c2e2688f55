package dev.archway.dataplane.routing;

import dev.archway.ir.HttpRouteOptions;
import java.util.List;

/**
 * A route's compiled {@link HttpRouteOptions}: mirrors resolved to upstreams, CORS compiled.
 *
 * @param mirrors the mirrors whose destination exists, in IR order
 * @param cors the CORS policy, or null
 * @param requestTimeoutMillis the whole exchange, or 0 for none
 * @param backendTimeoutMillis each upstream try, or 0 for none
 * @param retry the retry policy, or null
 * @param grpc whether the route comes from a GRPCRoute: answers made here are gRPC statuses
 */
public record RouteOptions(
    List<Mirror> mirrors,
    CorsPolicy cors,
    long requestTimeoutMillis,
    long backendTimeoutMillis,
    HttpRouteOptions.Retry retry,
    boolean grpc) {
  public static final RouteOptions NONE = new RouteOptions(List.of(), null, 0, 0, null, false);

  public RouteOptions {
    mirrors = List.copyOf(mirrors);
  }

  /**
   * One RequestMirror: a copy goes to {@code upstream} for {@code numerator/denominator} of the
   * requests.
   */
  public record Mirror(Upstream upstream, int numerator, int denominator) {
    /** Whether this request is mirrored, chosen at random. */
    public boolean sample(java.util.random.RandomGenerator random) {
      return numerator >= denominator || (numerator > 0 && random.nextInt(denominator) < numerator);
    }
  }

  static RouteOptions compile(
      String field, HttpRouteOptions options, java.util.Map<String, Upstream> upstreams) {
    if (options == null) {
      return NONE;
    }
    List<Mirror> mirrors = new java.util.ArrayList<>();
    for (int i = 0; i < options.mirrors().size(); i++) {
      HttpRouteOptions.RequestMirror m = options.mirrors().get(i);
      if (m.destination() == null) {
        continue; // an invalid mirror backendRef mirrors nothing
      }
      Upstream upstream = upstreams.get(m.destination());
      if (upstream == null) {
        throw RouteTableCompiler.invalid(
            field + ".mirrors[" + i + "].destination", m.destination(), "a name in destinations");
      }
      mirrors.add(new Mirror(upstream, m.numerator(), m.denominator()));
    }
    HttpRouteOptions.Timeouts t = options.timeouts();
    long request = t == null || t.requestMillis() == null ? 0 : Math.max(0, t.requestMillis());
    long backend =
        t == null || t.backendRequestMillis() == null ? 0 : Math.max(0, t.backendRequestMillis());
    HttpRouteOptions.Retry retry = options.retry();
    if (retry != null && retry.attempts() < 1) {
      retry = null;
    }
    return new RouteOptions(
        mirrors,
        options.cors() == null ? null : new CorsPolicy(options.cors()),
        request,
        backend,
        retry,
        options.grpc());
  }
}
