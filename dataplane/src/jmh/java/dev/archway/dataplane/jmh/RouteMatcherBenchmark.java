package dev.archway.dataplane.jmh;

import dev.archway.dataplane.routing.CompiledRoute;
import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.routing.ListenerRoutes;
import dev.archway.dataplane.routing.RequestTarget;
import dev.archway.dataplane.routing.RouteRequest;
import dev.archway.dataplane.routing.RouteTable;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HeaderMatch;
import dev.archway.ir.HttpListener;
import dev.archway.ir.HttpMatch;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.PathMatch;
import dev.archway.ir.StringMatchType;
import dev.archway.ir.VirtualHost;
import dev.archway.ir.WeightedBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request route lookup of an HTTP listener with 1 to 10,000 routes, the request always
 * hitting the last-defined route (as the data-plane bench's route-scale scenario does):
 *
 * <ul>
 *   <li>{@code prefix}: one virtual host, route i is {@code PathPrefix /svc/i}; the request is
 *       {@code GET /svc/<last>/hello}.
 *   <li>{@code hosts}: one virtual host per route, hostname {@code r<i>.example.com}, each with a
 *       {@code PathPrefix /}; the request's Host is the last one.
 *   <li>{@code headers}: one virtual host, every route {@code PathPrefix /api} with a header match
 *       {@code x-tenant: t<i>}: the routes share one path, so the header conditions are what is
 *       searched, in precedence order.
 * </ul>
 *
 * <p>Measured: parsing the request-target, building the {@link RouteRequest} and finding the route,
 * which is what the data plane does per request before proxying. Setup checks that the expected
 * route is found.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:ActiveProcessorCount=1"})
public class RouteMatcherBenchmark {
  private static final String DESTINATION = "service/default/app/80";
  private static final int PORT = 8080;

  @Param({"1", "100", "1000", "10000"})
  public int routes;

  @Param({"prefix", "hosts", "headers"})
  public String shape;

  private ListenerRoutes listener;
  private String host;
  private String uri;
  private Function<String, List<String>> headers;
  private String expected;

  @Setup
  public void setUp() {
    int last = routes - 1;
    List<VirtualHost> hosts = new ArrayList<>();
    List<HttpRoute> shared = new ArrayList<>();
    for (int i = 0; i < routes; i++) {
      String name = "httproute/default/route-" + i + "/rule/0/match/0";
      switch (shape) {
        case "prefix" -> shared.add(route(name, "*", path("/svc/" + i), List.of()));
        case "hosts" -> {
          String hostname = "r" + i + ".example.com";
          hosts.add(
              new VirtualHost(
                  "gateway/default/gw/listener/l" + i,
                  hostname,
                  List.of(route(name, hostname, path("/"), List.of()))));
        }
        case "headers" ->
            shared.add(
                route(
                    name,
                    "*",
                    path("/api"),
                    List.of(new HeaderMatch("x-tenant", StringMatchType.EXACT, "t" + i))));
        default -> throw new IllegalArgumentException("shape: " + shape);
      }
    }
    if (!shared.isEmpty()) {
      hosts.add(new VirtualHost("gateway/default/gw/listener/http", "*", shared));
    }
    DataPlaneConfig config =
        new DataPlaneConfig(
            List.of(
                new GatewayIr(
                    "gateway/default/gw",
                    "127.0.0.1",
                    List.of(new HttpListener("gateway/default/gw/port/" + PORT, PORT, hosts)))),
            List.of(
                new Destination(
                    DESTINATION,
                    Destination.AppProtocol.HTTP1,
                    List.of(new Endpoint("127.0.0.1", 9000)))));
    listener = RouteTable.compile(config).listener(new ListenerKey("127.0.0.1", PORT));
    host = shape.equals("hosts") ? "r" + last + ".example.com" : "gw.example.com";
    uri = shape.equals("prefix") ? "/svc/" + last + "/hello" : "/api/items?page=2";
    Map<String, List<String>> headerMap = Map.of("x-tenant", List.of("t" + last));
    headers = name -> headerMap.getOrDefault(name, List.of());
    expected = "httproute/default/route-" + last + "/rule/0/match/0";
    CompiledRoute found = lookup();
    if (found == null || !found.name().equals(expected)) {
      throw new IllegalStateException(
          shape + "/" + routes + ": found " + (found == null ? "no route" : found.name()));
    }
  }

  @Benchmark
  public CompiledRoute lookup() {
    return listener.route(new RouteRequest(host, RequestTarget.parse(uri), "GET", headers));
  }

  private static HttpMatch path(String prefix) {
    return new HttpMatch(new PathMatch(PathMatch.Type.PATH_PREFIX, prefix), null, null, null);
  }

  private static HttpRoute route(
      String name, String hostname, HttpMatch match, List<HeaderMatch> headerMatches) {
    HttpMatch withHeaders =
        headerMatches.isEmpty()
            ? match
            : new HttpMatch(match.path(), match.method(), headerMatches, match.queryParams());
    return new HttpRoute(
        name, hostname, withHeaders, List.of(), List.of(new WeightedBackend(DESTINATION, 1, List.of())));
  }
}
