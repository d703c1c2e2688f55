package dev.archway.app.sync;

import dev.archway.app.sync.SyncProtocol.ConfigDelta;
import dev.archway.app.sync.SyncProtocol.RouteRun;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deltas between two versions of one Gateway's configuration ({@link ConfigDelta}), and their
 * application on the proxy.
 *
 * <p>Why: a change of one route of 10,000 sent the whole configuration (48 MB of JSON for the
 * translator benchmark's 10,000 routes), which the controller encoded and the proxy decoded, and
 * the proxy then compiled every route again, since its compile memo recognizes routes by identity
 * and every route was a new object. A delta carries the routes that are new, and the proxy builds
 * the rest from the route objects it already has.
 */
public final class ConfigDeltas {
  private ConfigDeltas() {}

  /** A virtual host's key within a Gateway: its listener's name, its own, and its hostname. */
  static String key(HttpListener listener, VirtualHost host) {
    return listener.name() + " " + host.name() + " " + host.hostname();
  }

  /**
   * The delta that turns {@code from} (the configuration of {@code baseVersion}) into {@code to},
   * or empty when these are not one Gateway's slices of the same name, or a key names two virtual
   * hosts.
   */
  public static Optional<ConfigDelta> between(
      long baseVersion, DataPlaneConfig from, DataPlaneConfig to) {
    if (from.gateways().size() != 1
        || to.gateways().size() != 1
        || !from.gateways().get(0).name().equals(to.gateways().get(0).name())) {
      return Optional.empty();
    }
    GatewayIr gateway = to.gateways().get(0);
    Map<String, VirtualHost> base = virtualHosts(from.gateways().get(0));
    if (base == null || virtualHosts(gateway) == null) {
      return Optional.empty();
    }
    Map<String, List<RouteRun>> routes = new LinkedHashMap<>();
    List<HttpListener> listeners = new ArrayList<>();
    for (HttpListener listener : gateway.httpListeners()) {
      List<VirtualHost> hosts = new ArrayList<>();
      for (VirtualHost host : listener.virtualHosts()) {
        String key = key(listener, host);
        VirtualHost before = base.get(key);
        if (before == null) {
          hosts.add(host);
        } else {
          routes.put(key, runs(before.routes(), host.routes()));
          hosts.add(host.withRoutes(List.of()));
        }
      }
      listeners.add(listener.withVirtualHosts(hosts));
    }
    Map<String, Destination> baseDestinations = destinationsByName(from);
    List<String> names = new ArrayList<>();
    List<Destination> changed = new ArrayList<>();
    for (Destination destination : to.destinations()) {
      names.add(destination.name());
      Destination before = baseDestinations.get(destination.name());
      if (before != destination && !destination.equals(before)) {
        changed.add(destination);
      }
    }
    return Optional.of(
        new ConfigDelta(baseVersion, gateway.withHttpListeners(listeners), routes, names, changed));
  }

  /**
   * {@code base} changed by {@code delta}: the routes and destinations the delta keeps are {@code
   * base}'s objects.
   *
   * @throws IllegalArgumentException if the delta names a virtual host, a route or a destination
   *     that {@code base} does not have
   */
  public static DataPlaneConfig apply(DataPlaneConfig base, ConfigDelta delta) {
    if (base.gateways().size() != 1) {
      throw new IllegalArgumentException(
          "delta: the base has " + base.gateways().size() + " Gateways");
    }
    Map<String, VirtualHost> baseHosts = virtualHosts(base.gateways().get(0));
    if (baseHosts == null) {
      throw new IllegalArgumentException("delta: the base names a virtual host twice");
    }
    List<HttpListener> listeners = new ArrayList<>();
    for (HttpListener listener : delta.gateway().httpListeners()) {
      List<VirtualHost> hosts = new ArrayList<>();
      for (VirtualHost host : listener.virtualHosts()) {
        String key = key(listener, host);
        List<RouteRun> runs = delta.routes().get(key);
        if (runs == null) {
          hosts.add(host);
          continue;
        }
        VirtualHost before = baseHosts.get(key);
        if (before == null) {
          throw new IllegalArgumentException("delta: no virtual host " + key + " in the base");
        }
        hosts.add(host.withRoutes(routes(before, runs)));
      }
      listeners.add(listener.withVirtualHosts(hosts));
    }
    Map<String, Destination> changed = new HashMap<>();
    delta.changedDestinations().forEach(d -> changed.put(d.name(), d));
    Map<String, Destination> kept = destinationsByName(base);
    List<Destination> destinations = new ArrayList<>();
    for (String name : delta.destinations()) {
      Destination destination = changed.getOrDefault(name, kept.get(name));
      if (destination == null) {
        throw new IllegalArgumentException("delta: no destination " + name + " in the base");
      }
      destinations.add(destination);
    }
    return new DataPlaneConfig(List.of(delta.gateway().withHttpListeners(listeners)), destinations);
  }

  /**
   * {@code now} as runs of {@code base}: each route of {@code now} that is one of {@code base}'s
   * (the same object, or failing that an equal one) is referred to by position.
   */
  static List<RouteRun> runs(List<HttpRoute> base, List<HttpRoute> now) {
    Map<HttpRoute, Integer> same = new IdentityHashMap<>(base.size());
    for (int i = base.size() - 1; i >= 0; i--) {
      same.put(base.get(i), i);
    }
    Map<HttpRoute, Integer> equal = null; // made only if some route is not the same object
    List<RouteRun> runs = new ArrayList<>();
    List<HttpRoute> added = new ArrayList<>();
    int from = -1;
    int count = 0;
    for (HttpRoute route : now) {
      Integer at = same.get(route);
      if (at == null) {
        if (equal == null) {
          equal = new HashMap<>(base.size() * 2);
          for (int i = base.size() - 1; i >= 0; i--) {
            equal.put(base.get(i), i);
          }
        }
        at = equal.get(route);
      }
      if (at == null) {
        if (count > 0) {
          runs.add(RouteRun.kept(from, count));
          count = 0;
        }
        added.add(route);
      } else if (count > 0 && at == from + count) {
        count++;
      } else {
        if (count > 0) {
          runs.add(RouteRun.kept(from, count));
        }
        if (!added.isEmpty()) {
          runs.add(RouteRun.added(added));
          added.clear();
        }
        from = at;
        count = 1;
      }
    }
    if (count > 0) {
      runs.add(RouteRun.kept(from, count));
    }
    if (!added.isEmpty()) {
      runs.add(RouteRun.added(added));
    }
    return runs;
  }

  private static List<HttpRoute> routes(VirtualHost base, List<RouteRun> runs) {
    List<HttpRoute> routes = new ArrayList<>();
    for (RouteRun run : runs) {
      if (run.added() != null) {
        routes.addAll(run.added());
      } else if (run.from() < 0
          || run.count() < 0
          || (long) run.from() + run.count() > base.routes().size()) {
        throw new IllegalArgumentException(
            "delta: routes "
                + run.from()
                + " to "
                + (run.from() + run.count() - 1)
                + " of "
                + base.name()
                + ", which has "
                + base.routes().size());
      } else {
        routes.addAll(base.routes().subList(run.from(), run.from() + run.count()));
      }
    }
    return routes;
  }

  /** Every virtual host of the Gateway by key, or null if a key names two. */
  private static Map<String, VirtualHost> virtualHosts(GatewayIr gateway) {
    Map<String, VirtualHost> hosts = new HashMap<>();
    for (HttpListener listener : gateway.httpListeners()) {
      for (VirtualHost host : listener.virtualHosts()) {
        if (hosts.put(key(listener, host), host) != null) {
          return null;
        }
      }
    }
    return hosts;
  }

  private static Map<String, Destination> destinationsByName(DataPlaneConfig config) {
    Map<String, Destination> byName = new HashMap<>();
    config.destinations().forEach(d -> byName.put(d.name(), d));
    return byName;
  }
}
