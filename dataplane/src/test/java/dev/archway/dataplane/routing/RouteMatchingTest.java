package dev.archway.dataplane.routing;

import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.config;
import static dev.archway.dataplane.Ir.destination;
import static dev.archway.dataplane.Ir.exact;
import static dev.archway.dataplane.Ir.listener;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.regex;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static dev.archway.dataplane.Ir.withHeader;
import static dev.archway.dataplane.Ir.withHeaderRegex;
import static dev.archway.dataplane.Ir.withMethod;
import static dev.archway.dataplane.Ir.withQuery;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.ir.HttpRoute;
import dev.archway.ir.VirtualHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RouteMatchingTest {
  private static final String DEST = "service/default/echo/80";

  private static ListenerRoutes compile(VirtualHost... hosts) {
    RouteTable table =
        RouteTable.compile(config(listener(8080, hosts), destination(DEST, "127.0.0.1", 3000)));
    return table.listener(new ListenerKey("127.0.0.1", 8080));
  }

  private static ListenerRoutes compileRoutes(HttpRoute... routes) {
    return compile(vhost("gateway/default/gw/listener/http", "*", routes));
  }

  private static HttpRoute r(String name, String hostname, dev.archway.ir.HttpMatch match) {
    return route(name, hostname, match, backend(DEST, 1));
  }

  /** The name of the route serving the request, or null for 404. */
  private static String serve(ListenerRoutes routes, String host, String uri, String... headers) {
    return serveMethod(routes, "GET", host, uri, headers);
  }

  private static String serveMethod(
      ListenerRoutes routes, String method, String host, String uri, String... headers) {
    Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < headers.length; i += 2) {
      map.computeIfAbsent(headers[i], k -> new ArrayList<>()).add(headers[i + 1]);
    }
    RouteRequest request =
        new RouteRequest(
            host, RequestTarget.parse(uri), method, name -> map.getOrDefault(name, List.of()));
    CompiledRoute route = routes.route(request);
    return route == null ? null : route.name();
  }

  @Test
  void pathPrefixIsSegmentWise() {
    ListenerRoutes routes = compileRoutes(r("abc", "*", prefix("/abc/")));

    assertThat(serve(routes, "h", "/abc")).isEqualTo("abc");
    assertThat(serve(routes, "h", "/abc/")).isEqualTo("abc");
    assertThat(serve(routes, "h", "/abc/x?q=1")).isEqualTo("abc");
    assertThat(serve(routes, "h", "/abcd")).isNull();
    assertThat(serve(routes, "h", "/")).isNull();
  }

  @Test
  void exactIsCaseSensitiveAndMatchesTheNormalizedPath() {
    ListenerRoutes routes = compileRoutes(r("exact", "*", exact("/Foo/bar")));

    assertThat(serve(routes, "h", "/Foo/bar")).isEqualTo("exact");
    assertThat(serve(routes, "h", "/Foo//x/../bar")).isEqualTo("exact");
    assertThat(serve(routes, "h", "/foo/bar")).isNull();
    assertThat(serve(routes, "h", "/Foo/bar/")).isNull();
  }

  @Test
  void listOrderDecidesAcrossExactPrefixAndRegex() {
    ListenerRoutes routes =
        compileRoutes(
            r("exact", "*", exact("/v1/users")),
            r("long-prefix", "*", prefix("/v1/users")),
            r("regex", "*", regex("/v[0-9]+/.*")),
            r("short-prefix", "*", prefix("/v1")),
            r("root", "*", prefix("/")));

    assertThat(serve(routes, "h", "/v1/users")).isEqualTo("exact");
    assertThat(serve(routes, "h", "/v1/users/7")).isEqualTo("long-prefix");
    assertThat(serve(routes, "h", "/v1/orders")).isEqualTo("regex");
    assertThat(serve(routes, "h", "/v1")).isEqualTo("short-prefix");
    assertThat(serve(routes, "h", "/other")).isEqualTo("root");
  }

  @Test
  void aLaterRouteWinsWhenEarlierOnesFailTheirConditions() {
    ListenerRoutes routes =
        compileRoutes(
            r("post", "*", withMethod(prefix("/a"), "POST")),
            r("header", "*", withHeader(prefix("/a"), "X-Version", "2")),
            r("query", "*", withQuery(prefix("/a"), "v", "3")),
            r("any", "*", prefix("/a")));

    assertThat(serveMethod(routes, "POST", "h", "/a")).isEqualTo("post");
    assertThat(serve(routes, "h", "/a", "x-version", "2")).isEqualTo("header");
    assertThat(serve(routes, "h", "/a?v=3&v=4")).isEqualTo("query");
    assertThat(serve(routes, "h", "/a?v=4&v=3")).isEqualTo("any");
    assertThat(serve(routes, "h", "/a")).isEqualTo("any");
  }

  @Test
  void headerValuesAreJoinedAndMatchedWhole() {
    ListenerRoutes routes =
        compileRoutes(
            r("joined", "*", withHeader(prefix("/"), "X-Multi", "a,b")),
            r("regex", "*", withHeaderRegex(prefix("/"), "X-Version", "v[0-9]+")));

    assertThat(serve(routes, "h", "/", "X-Multi", "a", "x-multi", "b")).isEqualTo("joined");
    assertThat(serve(routes, "h", "/", "X-Version", "v12")).isEqualTo("regex");
    assertThat(serve(routes, "h", "/", "X-Version", "v12x")).isNull();
  }

  @Test
  void moreSpecificRouteHostnameWinsOverListOrder() {
    ListenerRoutes routes =
        compileRoutes(
            r("any", "*", prefix("/")),
            r("wild", "*.example.com", prefix("/")),
            r("longer-wild", "*.a.example.com", prefix("/")),
            r("exact-x", "foo.example.com", prefix("/x")));

    assertThat(serve(routes, "foo.example.com", "/x/1")).isEqualTo("exact-x");
    // The exact hostname group has no route for /y: the next most specific group answers.
    assertThat(serve(routes, "foo.example.com", "/y")).isEqualTo("wild");
    assertThat(serve(routes, "b.a.example.com", "/")).isEqualTo("longer-wild");
    assertThat(serve(routes, "deep.b.a.example.com", "/")).isEqualTo("longer-wild");
    // A wildcard needs at least one label in front of its suffix.
    assertThat(serve(routes, "example.com", "/")).isEqualTo("any");
    assertThat(serve(routes, "a.example.com", "/")).isEqualTo("wild");
  }

  @Test
  void hostIsMatchedWithoutPortAndCase() {
    ListenerRoutes routes = compileRoutes(r("exact", "foo.example.com", prefix("/")));

    assertThat(serve(routes, "FOO.Example.com:8080", "/")).isEqualTo("exact");
    assertThat(serve(routes, "foo.example.com.", "/")).isEqualTo("exact");
    assertThat(serve(routes, "bar.example.com", "/")).isNull();
    assertThat(serve(routes, null, "/")).isNull();
  }

  @Test
  void onlyTheMostSpecificVirtualHostServes() {
    ListenerRoutes routes =
        compile(
            vhost("exact", "foo.example.com", r("foo-a", "foo.example.com", prefix("/a"))),
            vhost("wild", "*.example.com", r("wild-any", "*.example.com", prefix("/"))),
            vhost("any", "*", r("any", "*", prefix("/"))));

    assertThat(serve(routes, "foo.example.com", "/a")).isEqualTo("foo-a");
    // No fall back to a less specific listener (GatewayHTTPListenerIsolation).
    assertThat(serve(routes, "foo.example.com", "/b")).isNull();
    assertThat(serve(routes, "bar.example.com", "/b")).isEqualTo("wild-any");
    assertThat(serve(routes, "example.com", "/b")).isEqualTo("any");
    assertThat(serve(routes, "other.org", "/b")).isEqualTo("any");
  }

  @Test
  void noVirtualHostForTheHostMeans404() {
    ListenerRoutes routes =
        compile(vhost("exact", "foo.example.com", r("foo", "foo.example.com", prefix("/"))));

    assertThat(serve(routes, "bar.example.com", "/")).isNull();
  }
}
