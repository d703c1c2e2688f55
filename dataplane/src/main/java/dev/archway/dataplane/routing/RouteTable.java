package dev.archway.dataplane.routing;

import dev.archway.ir.DataPlaneConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The immutable, compiled routing of a whole {@link DataPlaneConfig}: one {@link ListenerRoutes}
 * per bound address and port. The data plane swaps whole tables behind one reference; a request
 * reads that reference once and finishes on the table it started with.
 */
public final class RouteTable {
  /** A table that serves nothing. */
  public static final RouteTable EMPTY = new RouteTable(Map.of(), Map.of(), CompileMemo.EMPTY);

  private final Map<ListenerKey, ListenerRoutes> listeners;
  private final Map<String, String> conflicts;
  private final CompileMemo memo;

  RouteTable(
      Map<ListenerKey, ListenerRoutes> listeners, Map<String, String> conflicts, CompileMemo memo) {
    this.listeners = Collections.unmodifiableMap(new LinkedHashMap<>(listeners));
    this.conflicts = Collections.unmodifiableMap(new LinkedHashMap<>(conflicts));
    this.memo = memo;
  }

  /**
   * Compiles a configuration, or rejects it whole.
   *
   * @throws InvalidConfigException naming the first offending field
   */
  public static RouteTable compile(DataPlaneConfig config) {
    return compile(config, EMPTY);
  }

  /**
   * Compiles a configuration that replaces {@code previous}, reusing the compiled upstreams and
   * routes that did not change ({@link CompileMemo}); the result is the same as {@link
   * #compile(DataPlaneConfig)}'s.
   *
   * @throws InvalidConfigException naming the first offending field
   */
  public static RouteTable compile(DataPlaneConfig config, RouteTable previous) {
    return new RouteTableCompiler(config, previous.memo).compile();
  }

  /** The routes served at {@code key}, or null when the configuration has no listener there. */
  public ListenerRoutes listener(ListenerKey key) {
    return listeners.get(key);
  }

  /** Every listener, in configuration order. */
  public Collection<ListenerRoutes> listeners() {
    return listeners.values();
  }

  /**
   * IR listeners that cannot be served because an earlier listener (in configuration order) uses
   * the same address and port: listener name to the reason.
   */
  public Map<String, String> conflicts() {
    return conflicts;
  }

  /**
   * A stable text rendering of the compiled routing, for golden tests and the admin API: listeners
   * in configuration order, virtual hosts and route groups in lookup order, routes in precedence
   * order with their {@code #index}, and the path index that leads to them.
   */
  public String dump() {
    StringBuilder out = new StringBuilder();
    for (ListenerRoutes listener : listeners.values()) {
      listener.dump(out);
    }
    conflicts.forEach(
        (name, why) -> out.append("conflict ").append(name).append(": ").append(why).append('\n'));
    return out.toString();
  }
}
