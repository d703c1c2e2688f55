package dev.archway.app.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.app.sync.SyncProtocol.ConfigDelta;
import dev.archway.app.sync.SyncProtocol.ConfigUpdate;
import dev.archway.app.sync.SyncProtocol.RouteRun;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.HttpMatch;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.PathMatch;
import dev.archway.ir.VirtualHost;
import dev.archway.ir.WeightedBackend;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigDeltasTest {
  private static final String GATEWAY = "gateway/ns/gw";
  private final Random random = new Random(3);
  private int serial;

  private HttpRoute newRoute() {
    int n = serial++;
    return new HttpRoute(
        "httproute/ns/r" + n + "/rule/0/match/0",
        "*",
        new HttpMatch(
            new PathMatch(PathMatch.Type.PATH_PREFIX, "/r" + n), null, List.of(), List.of()),
        List.of(),
        List.of(new WeightedBackend("service/ns/s" + random.nextInt(5) + "/80", 1, List.of())),
        null);
  }

  private Destination destination(int i) {
    return new Destination(
        "service/ns/s" + i + "/80",
        null,
        List.of(new Endpoint("10.0.0." + (1 + random.nextInt(200)), 8080)),
        null);
  }

  private DataPlaneConfig config(List<HttpListener> listeners, List<Destination> destinations) {
    return new DataPlaneConfig(List.of(new GatewayIr(GATEWAY, null, listeners)), destinations);
  }

  private DataPlaneConfig initial() {
    List<HttpListener> listeners = new ArrayList<>();
    for (int port : new int[] {80, 8080}) {
      List<VirtualHost> hosts = new ArrayList<>();
      for (String hostname : new String[] {"*", "a.example.com", "b.example.com"}) {
        List<HttpRoute> routes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          routes.add(newRoute());
        }
        hosts.add(new VirtualHost(GATEWAY + "/listener/l" + port, hostname, routes));
      }
      listeners.add(new HttpListener(GATEWAY + "/port/" + port, port, hosts));
    }
    List<Destination> destinations = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      destinations.add(destination(i));
    }
    return config(listeners, destinations);
  }

  /** Routes inserted, removed, replaced and moved; virtual hosts added and removed. */
  private DataPlaneConfig edited(DataPlaneConfig config) {
    List<HttpListener> listeners = new ArrayList<>();
    for (HttpListener listener : config.gateways().get(0).httpListeners()) {
      List<VirtualHost> hosts = new ArrayList<>();
      for (VirtualHost host : listener.virtualHosts()) {
        if (random.nextInt(20) == 0) {
          continue; // removed
        }
        List<HttpRoute> routes = new ArrayList<>(host.routes());
        int edits = random.nextInt(4);
        for (int e = 0; e < edits; e++) {
          int at = routes.isEmpty() ? 0 : random.nextInt(routes.size());
          switch (random.nextInt(5)) {
            case 0 -> routes.add(at, newRoute());
            case 1 -> {
              if (!routes.isEmpty()) {
                routes.remove(at);
              }
            }
            case 2 -> {
              if (!routes.isEmpty()) {
                routes.set(at, newRoute());
              }
            }
            case 3 -> {
              if (!routes.isEmpty()) {
                routes.add(random.nextInt(routes.size()), routes.remove(at)); // moved
              }
            }
            default -> {
              if (!routes.isEmpty()) {
                HttpRoute r = routes.get(at); // an equal copy, not the same object
                routes.set(
                    at,
                    new HttpRoute(
                        r.name(), r.hostname(), r.match(), r.filters(), r.backends(), null));
              }
            }
          }
        }
        hosts.add(new VirtualHost(host.name(), host.hostname(), routes, host.tls()));
      }
      if (random.nextInt(10) == 0) {
        hosts.add(new VirtualHost(GATEWAY + "/listener/new" + serial++, "*", List.of(newRoute())));
      }
      listeners.add(new HttpListener(listener.name(), listener.port(), hosts, listener.protocol()));
    }
    List<Destination> destinations = new ArrayList<>(config.destinations());
    if (random.nextInt(3) == 0) {
      int i = random.nextInt(destinations.size());
      destinations.set(i, destination(i));
    }
    if (random.nextInt(8) == 0) {
      destinations.add(destination(5 + serial++));
    }
    return config(listeners, destinations);
  }

  /** The delta as the proxy reads it: through the protocol's JSON. */
  private static ConfigDelta overTheWire(ConfigDelta delta) {
    byte[] json = SyncProtocol.JSON.writeValueAsBytes(ConfigUpdate.changes(2, delta));
    return SyncProtocol.JSON.readValue(json, ConfigUpdate.class).changes();
  }

  private static Set<HttpRoute> routesOf(DataPlaneConfig config) {
    Set<HttpRoute> routes = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (HttpListener l : config.gateways().get(0).httpListeners()) {
      for (VirtualHost h : l.virtualHosts()) {
        routes.addAll(h.routes());
      }
    }
    return routes;
  }

  /**
   * Random edits, one after the other: each delta, applied to the configuration before it as the
   * proxy has it, gives the configuration after it; each route that was there before is the proxy's
   * own object; and the routes that travel are only those the virtual host did not have.
   */
  @Test
  void aDeltaAppliedToItsBaseGivesTheNewConfigurationKeepingTheBaseRoutes() {
    DataPlaneConfig sent = initial();
    DataPlaneConfig served =
        SyncProtocol.JSON.readValue(
            SyncProtocol.JSON.writeValueAsBytes(sent), DataPlaneConfig.class);
    for (int step = 0; step < 200; step++) {
      DataPlaneConfig next = edited(sent);
      ConfigDelta delta = ConfigDeltas.between(1, sent, next).orElseThrow();
      Set<HttpRoute> sentRoutes = new HashSet<>(routesOf(sent));
      for (List<RouteRun> runs : delta.routes().values()) {
        for (RouteRun run : runs) {
          if (run.added() != null) {
            assertThat(run.added()).noneMatch(sentRoutes::contains);
          }
        }
      }

      DataPlaneConfig applied = ConfigDeltas.apply(served, overTheWire(delta));
      assertThat(applied).isEqualTo(next);
      Set<HttpRoute> before = routesOf(served);
      long reused = routesOf(applied).stream().filter(before::contains).count();
      long unchanged = routesOf(next).stream().filter(sentRoutes::contains).count();
      assertThat(reused).isEqualTo(unchanged);
      sent = next;
      served = applied;
    }
  }

  @Test
  void runsReferToTheBaseByPosition() {
    HttpRoute a = newRoute();
    HttpRoute b = newRoute();
    HttpRoute c = newRoute();
    HttpRoute d = newRoute();
    HttpRoute x = newRoute();
    assertThat(ConfigDeltas.runs(List.of(a, b, c, d), List.of(a, b, x, c, d)))
        .containsExactly(RouteRun.kept(0, 2), RouteRun.added(List.of(x)), RouteRun.kept(2, 2));
    assertThat(ConfigDeltas.runs(List.of(a, b, c, d), List.of(a, c, d)))
        .containsExactly(RouteRun.kept(0, 1), RouteRun.kept(2, 2));
    assertThat(ConfigDeltas.runs(List.of(a, b), List.of(b, a)))
        .containsExactly(RouteRun.kept(1, 1), RouteRun.kept(0, 1));
    assertThat(ConfigDeltas.runs(List.of(a), List.of())).isEmpty();
  }

  @Test
  void aDeltaNamingWhatTheBaseLacksIsRejected() {
    DataPlaneConfig base = initial();
    DataPlaneConfig next = edited(base);
    ConfigDelta delta = ConfigDeltas.between(1, base, next).orElseThrow();
    DataPlaneConfig other = config(List.of(), List.of());
    assertThatThrownBy(() -> ConfigDeltas.apply(other, delta))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no virtual host");

    String key = delta.routes().keySet().iterator().next();
    ConfigDelta outOfRange =
        new ConfigDelta(
            1,
            delta.gateway(),
            Map.of(key, List.of(RouteRun.kept(0, 1000))),
            delta.destinations(),
            delta.changedDestinations());
    assertThatThrownBy(() -> ConfigDeltas.apply(base, outOfRange))
        .hasMessageContaining("routes 0 to 999");

    ConfigDelta unknownDestination =
        new ConfigDelta(
            1, delta.gateway(), delta.routes(), List.of("service/ns/nope/80"), List.of());
    assertThatThrownBy(() -> ConfigDeltas.apply(base, unknownDestination))
        .hasMessageContaining("no destination service/ns/nope/80");
  }

  @Test
  void noDeltaBetweenDifferentGateways() {
    DataPlaneConfig base = initial();
    DataPlaneConfig renamed =
        new DataPlaneConfig(
            List.of(
                new GatewayIr("gateway/ns/other", null, base.gateways().get(0).httpListeners())),
            base.destinations());
    assertThat(ConfigDeltas.between(1, base, renamed)).isEmpty();
    assertThat(ConfigDeltas.between(1, DataPlaneConfig.EMPTY, base)).isEmpty();
  }
}
