package dev.archway.dataplane.routing;

import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.destination;
import static dev.archway.dataplane.Ir.exact;
import static dev.archway.dataplane.Ir.listener;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.regex;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static dev.archway.dataplane.Ir.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.HttpRouteOptions;
import dev.archway.ir.UpstreamTls;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A table compiled with the previous one's {@link CompileMemo} is the table compiled from scratch,
 * and it shares what did not change.
 */
class CompileMemoTest {
  private static final ListenerKey KEY = new ListenerKey("127.0.0.1", 8080);

  private static DataPlaneConfig config(List<HttpRoute> routes, List<Destination> destinations) {
    return dev.archway.dataplane.Ir.config(
        "127.0.0.1",
        List.of(listener(8080, vhost("v", "*", routes.toArray(HttpRoute[]::new)))),
        destinations);
  }

  private static CompiledRoute served(RouteTable table, String path) {
    return table
        .listener(KEY)
        .route(new RouteRequest("h", RequestTarget.parse(path), "GET", n -> List.of()));
  }

  private static RouteTable compiledAfter(RouteTable previous, DataPlaneConfig next) {
    RouteTable reusing = RouteTable.compile(next, previous);
    assertThat(reusing.dump()).isEqualTo(RouteTable.compile(next).dump());
    return reusing;
  }

  @Test
  void aRouteInsertedBeforeOthersLeavesTheirCompiledFormAndRankAsTheyWere() {
    Destination echo = destination("service/default/echo/80", "127.0.0.1", 3000);
    HttpRoute a = route("a", "*", prefix("/a"), backend(echo.name(), 1));
    HttpRoute b = route("b", "*", exact("/b"), backend(echo.name(), 1));
    RouteTable before = RouteTable.compile(config(List.of(a, b), List.of(echo)));

    HttpRoute first = route("first", "*", exact("/first"), backend(echo.name(), 1));
    RouteTable after = compiledAfter(before, config(List.of(first, a, b), List.of(echo)));

    assertThat(served(after, "/b").rank()).isEqualTo(served(before, "/b").rank());
    assertThat(served(after, "/b")).isSameAs(served(before, "/b"));
    assertThat(served(after, "/b").backends()).isSameAs(served(before, "/b").backends());
    assertThat(served(after, "/a/x").pickBackend().upstream())
        .isSameAs(served(before, "/a/x").pickBackend().upstream());
  }

  @Test
  void aRouteIsCompiledAgainWhenItsDestinationChanged() {
    Destination echo = destination("service/default/echo/80", "127.0.0.1", 3000);
    Destination other = destination("service/default/other/80", "127.0.0.1", 4000);
    HttpRoute toEcho = route("e", "*", prefix("/e"), backend(echo.name(), 1));
    HttpRoute toOther = route("o", "*", prefix("/o"), backend(other.name(), 1));
    RouteTable before = RouteTable.compile(config(List.of(toEcho, toOther), List.of(echo, other)));

    Destination moved = destination(echo.name(), "127.0.0.1", 3001);
    RouteTable after =
        compiledAfter(before, config(List.of(toEcho, toOther), List.of(moved, other)));

    assertThat(served(after, "/e").pickBackend().upstream().nextEndpoint().getPort())
        .isEqualTo(3001);
    assertThat(served(after, "/o").backends()).isSameAs(served(before, "/o").backends());
  }

  @Test
  void aMirrorToAChangedDestinationIsCompiledAgain() {
    Destination echo = destination("service/default/echo/80", "127.0.0.1", 3000);
    Destination shadow = destination("service/default/shadow/80", "127.0.0.1", 5000);
    HttpRouteOptions mirrored =
        new HttpRouteOptions(
            List.of(new HttpRouteOptions.RequestMirror(shadow.name(), 1, 1)),
            null,
            null,
            null,
            null,
            false);
    HttpRoute route =
        new HttpRoute("m", "*", prefix("/"), List.of(), List.of(backend(echo.name(), 1)), mirrored);
    RouteTable before = RouteTable.compile(config(List.of(route), List.of(echo, shadow)));

    Destination movedShadow = destination(shadow.name(), "127.0.0.1", 5001);
    RouteTable after = compiledAfter(before, config(List.of(route), List.of(echo, movedShadow)));

    Upstream mirror = served(after, "/").options().mirrors().get(0).upstream();
    assertThat(mirror.nextEndpoint().getPort()).isEqualTo(5001);
  }

  @Test
  void anUnchangedBackendTlsPolicyKeepsItsContextSoPooledConnectionsStayUsable() {
    UpstreamTls tls = new UpstreamTls(null, true, "backend.example.com", List.of());
    Destination secure =
        new Destination(
            "service/default/secure/443",
            Destination.AppProtocol.HTTP1,
            List.of(new Endpoint("127.0.0.1", 8443)),
            tls);
    HttpRoute route = route("s", "*", prefix("/"), backend(secure.name(), 1));
    RouteTable before = RouteTable.compile(config(List.of(route), List.of(secure)));
    UpstreamTlsContext context = served(before, "/").pickBackend().upstream().tls();

    Destination same =
        new Destination(secure.name(), secure.protocol(), List.copyOf(secure.endpoints()), tls);
    RouteTable after = compiledAfter(before, config(List.of(route), List.of(same)));
    assertThat(served(after, "/").pickBackend().upstream().tls()).isSameAs(context);

    Destination otherSni =
        new Destination(
            secure.name(),
            secure.protocol(),
            secure.endpoints(),
            new UpstreamTls(null, true, "other.example.com", List.of()));
    RouteTable changed = compiledAfter(after, config(List.of(route), List.of(otherSni)));
    assertThat(served(changed, "/").pickBackend().upstream().tls()).isNotSameAs(context);
  }

  @Test
  void aRejectedConfigurationLeavesTheMemoOfTheServedTable() {
    Destination echo = destination("service/default/echo/80", "127.0.0.1", 3000);
    HttpRoute route = route("r", "*", prefix("/r"), backend(echo.name(), 1));
    RouteTable served = RouteTable.compile(config(List.of(route), List.of(echo)));

    assertThatThrownBy(
            () ->
                RouteTable.compile(
                    config(List.of(route, route("bad", "foo..com", prefix("/"))), List.of(echo)),
                    served))
        .isInstanceOf(InvalidConfigException.class);
    RouteTable after = compiledAfter(served, config(List.of(route), List.of(echo)));
    assertThat(served(after, "/r")).isSameAs(served(served, "/r"));
  }

  /**
   * Random edits of a route list (inserted anywhere, often at the front; removed; replaced;
   * destinations changed), each compiled with the memo and without: the same tables, as dumped and
   * as they answer requests.
   */
  @Test
  void randomEditsCompileAsFromScratch() {
    Random random = new Random(7);
    List<Destination> destinations = new ArrayList<>();
    for (int d = 0; d < 4; d++) {
      destinations.add(destination("service/default/d" + d + "/80", "127.0.0.1", 3000 + d));
    }
    List<HttpRoute> routes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      routes.add(randomRoute(random, i));
    }
    RouteTable table = RouteTable.compile(config(routes, destinations));
    for (int step = 0; step < 400; step++) {
      switch (random.nextInt(5)) {
        case 0 -> routes.add(random.nextInt(routes.size() + 1), randomRoute(random, 100 + step));
        // At one spot again and again, until its gap in the ranks is used up.
        case 1 -> routes.add(Math.min(3, routes.size()), randomRoute(random, 100 + step));
        case 2 -> {
          if (routes.size() > 1) {
            routes.remove(random.nextInt(routes.size()));
          }
        }
        case 3 -> routes.set(random.nextInt(routes.size()), randomRoute(random, 100 + step));
        default -> {
          int d = random.nextInt(destinations.size());
          destinations.set(
              d, destination(destinations.get(d).name(), "127.0.0.1", 3000 + random.nextInt(50)));
        }
      }
      RouteTable fromScratch = RouteTable.compile(config(routes, destinations));
      table = compiledAfter(table, config(routes, destinations));
      for (int q = 0; q < 20; q++) {
        RouteRequest request = randomRequest(random);
        CompiledRoute expected = fromScratch.listener(KEY).route(request);
        CompiledRoute got = table.listener(KEY).route(request);
        assertThat(got == null ? null : got.name())
            .as("step %d: %s %s", step, request.host(), request.path())
            .isEqualTo(expected == null ? null : expected.name());
      }
    }
  }

  private static final String[] HOSTS = {"*", "a.example.com", "*.example.com"};

  private static HttpRoute randomRoute(Random random, int id) {
    String destination = "service/default/d" + random.nextInt(4) + "/80";
    String path = "/p" + random.nextInt(8) + (random.nextBoolean() ? "" : "/q" + random.nextInt(3));
    var match =
        switch (random.nextInt(5)) {
          case 0, 1 -> prefix(path);
          case 2, 3 -> exact(path);
          default -> regex(path + ".*");
        };
    if (random.nextInt(4) == 0) {
      match = withHeader(match, "x-tenant", "t" + random.nextInt(3));
    }
    return route(
        "r" + id,
        HOSTS[random.nextInt(HOSTS.length)],
        match,
        backend(destination, 1 + random.nextInt(3)));
  }

  private static RouteRequest randomRequest(Random random) {
    String host = random.nextBoolean() ? "a.example.com" : "b.example.com";
    String path = "/p" + random.nextInt(8) + (random.nextBoolean() ? "" : "/q" + random.nextInt(3));
    String tenant = "t" + random.nextInt(4);
    return new RouteRequest(
        host,
        RequestTarget.parse(path),
        "GET",
        n -> n.equalsIgnoreCase("x-tenant") ? List.of(tenant) : List.of());
  }
}
