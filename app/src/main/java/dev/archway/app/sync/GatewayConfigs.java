package dev.archway.app.sync;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.HttpRoute;
import dev.archway.ir.VirtualHost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Per-Gateway slices of a configuration, and endpoint deltas between two versions of one.
 *
 * <p>A proxy gets its Gateway and the destinations that Gateway refers to, nothing else: other
 * Gateways' certificates and backends stay on the controller.
 */
public final class GatewayConfigs {
  private static final String GATEWAY_PREFIX = "gateway/";

  private GatewayConfigs() {}

  /** {@code gateway/<ns>/<name>} to {@code <ns>/<name>}. */
  public static String gatewayKey(GatewayIr gateway) {
    String name = gateway.name();
    return name.startsWith(GATEWAY_PREFIX) ? name.substring(GATEWAY_PREFIX.length()) : name;
  }

  /** One configuration per Gateway, keyed by {@code <namespace>/<name>}, sorted. */
  public static Map<String, DataPlaneConfig> split(DataPlaneConfig config) {
    return new Slicer().split(config);
  }

  /**
   * Cuts configurations into one per Gateway, change after change, remembering the destinations
   * each route object refers to: the routes that did not change are the same objects from one
   * translation to the next, and reading each of 10,000 routes' JSON form on every change cost 60
   * ms and 90 MB of garbage (ConfigSyncBenchmark.split). Not thread-safe.
   */
  public static final class Slicer {
    private Map<HttpRoute, Set<String>> byRoute = new IdentityHashMap<>();

    /** One configuration per Gateway, keyed by {@code <namespace>/<name>}, sorted. */
    public Map<String, DataPlaneConfig> split(DataPlaneConfig config) {
      Map<HttpRoute, Set<String>> seen = new IdentityHashMap<>();
      Map<String, DataPlaneConfig> slices = new TreeMap<>();
      for (GatewayIr gateway : config.gateways()) {
        Set<String> used = referencedDestinations(gateway, seen);
        List<Destination> destinations =
            config.destinations().stream().filter(d -> used.contains(d.name())).toList();
        slices.put(gatewayKey(gateway), new DataPlaneConfig(List.of(gateway), destinations));
      }
      byRoute = seen; // routes no longer in the configuration are forgotten
      return slices;
    }

    /**
     * The destination names a Gateway refers to: every {@code destination} field anywhere in its IR
     * (backends of HTTP, TLS, TCP and UDP routes, request mirrors). Read from the IR's JSON form,
     * so that a new IR type that refers to destinations the same way is covered: each HTTP route's
     * on its own (remembered), then the rest of the Gateway without them.
     */
    private Set<String> referencedDestinations(
        GatewayIr gateway, Map<HttpRoute, Set<String>> seen) {
      Set<String> names = new HashSet<>();
      List<HttpListener> withoutRoutes = new ArrayList<>();
      for (HttpListener listener : gateway.httpListeners()) {
        List<VirtualHost> hosts = new ArrayList<>();
        for (VirtualHost host : listener.virtualHosts()) {
          for (HttpRoute route : host.routes()) {
            Set<String> known = seen.get(route);
            if (known == null) {
              known = byRoute.get(route);
              if (known == null) {
                known = new HashSet<>();
                collect(SyncProtocol.JSON.valueToTree(route), known);
              }
              seen.put(route, known);
            }
            names.addAll(known);
          }
          hosts.add(host.withRoutes(List.of()));
        }
        withoutRoutes.add(listener.withVirtualHosts(hosts));
      }
      collect(SyncProtocol.JSON.valueToTree(gateway.withHttpListeners(withoutRoutes)), names);
      return names;
    }
  }

  private static void collect(JsonNode node, Set<String> names) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (field.getKey().equals("destination") && field.getValue().isString()) {
          names.add(field.getValue().asString());
        } else {
          collect(field.getValue(), names);
        }
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        collect(element, names);
      }
    }
  }

  /**
   * The endpoint changes that turn {@code from} into {@code to}, when nothing else differs: same
   * Gateways, same destinations by name, protocol and TLS. Empty when a full update is needed or
   * nothing changed.
   */
  public static Optional<Map<String, List<Endpoint>>> endpointDelta(
      DataPlaneConfig from, DataPlaneConfig to) {
    if (!from.gateways().equals(to.gateways())
        || from.destinations().size() != to.destinations().size()) {
      return Optional.empty();
    }
    Map<String, List<Endpoint>> changed = new LinkedHashMap<>();
    for (int i = 0; i < from.destinations().size(); i++) {
      Destination a = from.destinations().get(i);
      Destination b = to.destinations().get(i);
      if (!a.name().equals(b.name())
          || a.protocol() != b.protocol()
          || !Objects.equals(a.tls(), b.tls())) {
        return Optional.empty();
      }
      if (!a.endpoints().equals(b.endpoints())) {
        changed.put(b.name(), b.endpoints());
      }
    }
    return changed.isEmpty() ? Optional.empty() : Optional.of(changed);
  }

  /** {@code config} with the endpoints of the named destinations replaced. */
  public static DataPlaneConfig withEndpoints(
      DataPlaneConfig config, Map<String, List<Endpoint>> endpoints) {
    Set<String> known = new HashSet<>();
    List<Destination> destinations = new ArrayList<>();
    for (Destination d : config.destinations()) {
      List<Endpoint> replaced = endpoints.get(d.name());
      destinations.add(
          replaced == null ? d : new Destination(d.name(), d.protocol(), replaced, d.tls()));
      known.add(d.name());
    }
    for (String name : endpoints.keySet()) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            "endpoint delta: destination " + name + " (expected one of " + known + ")");
      }
    }
    return new DataPlaneConfig(config.gateways(), destinations);
  }
}
