package dev.archway.dataplane.routing;

import static dev.archway.dataplane.Ir.backend;
import static dev.archway.dataplane.Ir.config;
import static dev.archway.dataplane.Ir.destination;
import static dev.archway.dataplane.Ir.listener;
import static dev.archway.dataplane.Ir.prefix;
import static dev.archway.dataplane.Ir.regex;
import static dev.archway.dataplane.Ir.route;
import static dev.archway.dataplane.Ir.vhost;
import static dev.archway.dataplane.Ir.withHeaderRegex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.HttpFilter;
import dev.archway.ir.HttpRoute;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteTableCompilerTest {
  private static final String DEST = "service/default/echo/80";

  private static DataPlaneConfig single(HttpRoute route) {
    return config(
        listener(8080, vhost("gateway/default/gw/listener/http", "*", route)),
        destination(DEST, "127.0.0.1", 3000));
  }

  @Test
  void rejectsAnInvalidPathRegexNamingTheField() {
    assertThatThrownBy(
            () -> RouteTable.compile(single(route("r", "*", regex("/[a-"), backend(DEST, 1)))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "gateways[0].httpListeners[0].virtualHosts[0].routes[0].match.path.value: /[a-")
        .hasMessageContaining("expected: a valid regular expression");
  }

  @Test
  void rejectsAnInvalidHeaderRegex() {
    assertThatThrownBy(
            () ->
                RouteTable.compile(
                    single(
                        route(
                            "r", "*", withHeaderRegex(prefix("/"), "X", "(("), backend(DEST, 1)))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("match.headers[0].value: ((");
  }

  @Test
  void rejectsAnUnknownDestination() {
    assertThatThrownBy(
            () -> RouteTable.compile(single(route("r", "*", prefix("/"), backend("nope", 1)))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("backends[0].destination: nope (expected: a name in destinations)");
  }

  @Test
  void rejectsBadHostnamesAndRedirectCodes() {
    assertThatThrownBy(
            () -> RouteTable.compile(single(route("r", "foo..com", prefix("/"), backend(DEST, 1)))))
        .hasMessageContaining("routes[0].hostname: foo..com");
    HttpFilter badRedirect = new HttpFilter.RequestRedirect(null, null, null, null, 200);
    assertThatThrownBy(
            () -> RouteTable.compile(single(route("r", "*", prefix("/"), List.of(badRedirect)))))
        .hasMessageContaining("filters[0].statusCode: 200 (expected: 301, 302, 303, 307 or 308)");
  }

  @Test
  void reportsListenersThatShareAnAddress() {
    DataPlaneConfig twice =
        new DataPlaneConfig(
            List.of(
                new dev.archway.ir.GatewayIr(
                    "gateway/default/a", "127.0.0.1", List.of(listener(8080))),
                new dev.archway.ir.GatewayIr(
                    "gateway/default/b",
                    "127.0.0.1",
                    List.of(
                        new dev.archway.ir.HttpListener(
                            "gateway/default/b/port/8080", 8080, List.of())))),
            List.of());

    RouteTable table = RouteTable.compile(twice);

    assertThat(table.listeners()).hasSize(1);
    assertThat(table.conflicts())
        .containsOnlyKeys("gateway/default/b/port/8080")
        .containsValue("address 127.0.0.1:8080 is already used by gateway/default/gw/port/8080");
  }

  @Test
  void picksBackendsByWeightAndNeverPicksWeightZero() {
    WeightedBackends backends =
        new WeightedBackends(
            List.of(
                new Backend("a", 3, null, FilterChain.EMPTY),
                new Backend("zero", 0, null, FilterChain.EMPTY),
                new Backend("b", 1, null, FilterChain.EMPTY)));
    Random random = new Random(42);
    int a = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      String picked = backends.pick(random).destination();
      assertThat(picked).isNotEqualTo("zero");
      if (picked.equals("a")) {
        a++;
      }
    }
    assertThat(a / (double) n).isBetween(0.73, 0.77);
  }

  @Test
  void aRouteWithOnlyZeroWeightsHasNoBackends() {
    WeightedBackends backends =
        new WeightedBackends(List.of(new Backend("zero", 0, null, FilterChain.EMPTY)));
    assertThat(backends.isEmpty()).isTrue();
    assertThat(backends.pick(new Random(1))).isNull();
  }

  @Test
  void roundRobinsEndpoints() {
    RouteTable table =
        RouteTable.compile(
            config(
                listener(8080, vhost("v", "*", route("r", "*", prefix("/"), backend(DEST, 1)))),
                destination(DEST, "127.0.0.1", 3001, 3002, 3003)));
    Upstream upstream =
        table
            .listener(new ListenerKey("127.0.0.1", 8080))
            .route(new RouteRequest("h", RequestTarget.parse("/"), "GET", n -> List.of()))
            .pickBackend()
            .upstream();

    assertThat(
            List.of(
                upstream.nextEndpoint(),
                upstream.nextEndpoint(),
                upstream.nextEndpoint(),
                upstream.nextEndpoint()))
        .extracting(java.net.InetSocketAddress::getPort)
        .containsExactly(3001, 3002, 3003, 3001);
  }

  @Test
  void fillsTheMatchedPrefixFromTheRoute() {
    HttpFilter rewrite =
        new HttpFilter.UrlRewrite(
            null,
            new HttpFilter.PathModifier(
                HttpFilter.PathModifier.Type.REPLACE_PREFIX_MATCH, "/new", null));
    RouteTable table =
        RouteTable.compile(
            single(route("r", "*", prefix("/old/"), List.of(rewrite), backend(DEST, 1))));

    assertThat(table.dump()).contains("rewrite prefix /old -> /new");
  }
}
