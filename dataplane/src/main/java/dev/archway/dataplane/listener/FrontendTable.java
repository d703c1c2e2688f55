package dev.archway.dataplane.listener;

import dev.archway.dataplane.routing.ListenerKey;
import dev.archway.dataplane.routing.RouteTable;
import dev.archway.dataplane.tls.ServerSslContexts;
import dev.archway.ir.DataPlaneConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The immutable, compiled listener side of a {@link DataPlaneConfig}: per bound TCP address and
 * port, and per UDP address and port, the {@link Frontend} it serves. Swapped whole, like {@link
 * RouteTable}; a connection reads it once when it is accepted.
 */
public final class FrontendTable {
  /** A table that serves nothing. */
  public static final FrontendTable EMPTY =
      new FrontendTable(Map.of(), Map.of(), List.of(), Map.of(), ServerSslContexts.empty());

  /**
   * One IR listener.
   *
   * @param udp whether it binds a UDP port (else TCP)
   */
  public record Entry(String name, ListenerKey key, boolean udp) {}

  private final Map<ListenerKey, Frontend> tcp;
  private final Map<ListenerKey, Frontend.Udp> udp;
  private final List<Entry> entries;
  private final Map<String, String> conflicts;
  private final ServerSslContexts contexts;

  FrontendTable(
      Map<ListenerKey, Frontend> tcp,
      Map<ListenerKey, Frontend.Udp> udp,
      List<Entry> entries,
      Map<String, String> conflicts,
      ServerSslContexts contexts) {
    this.tcp = Collections.unmodifiableMap(new LinkedHashMap<>(tcp));
    this.udp = Collections.unmodifiableMap(new LinkedHashMap<>(udp));
    this.entries = List.copyOf(entries);
    this.conflicts = Collections.unmodifiableMap(new LinkedHashMap<>(conflicts));
    this.contexts = contexts;
  }

  /**
   * Compiles the listener side of {@code config}, whose HTTP routing {@code routes} already holds.
   * TLS contexts of {@code previous} are reused for unchanged certificates.
   *
   * @throws dev.archway.dataplane.routing.InvalidConfigException naming the offending field
   */
  public static FrontendTable compile(
      DataPlaneConfig config, RouteTable routes, FrontendTable previous) {
    return new FrontendCompiler(config, routes, previous.contexts.nextGeneration()).compile();
  }

  /** What the TCP port {@code key} serves, or null. */
  public Frontend tcp(ListenerKey key) {
    return tcp.get(key);
  }

  /** What the UDP port {@code key} serves, or null. */
  public Frontend.Udp udp(ListenerKey key) {
    return udp.get(key);
  }

  Map<ListenerKey, Frontend> tcpPorts() {
    return tcp;
  }

  Map<ListenerKey, Frontend.Udp> udpPorts() {
    return udp;
  }

  /** Every IR listener that owns its port, in configuration order. */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * IR listeners that cannot be served because an earlier one (in configuration order) uses the
   * same address and port: listener name to the reason.
   */
  public Map<String, String> conflicts() {
    return conflicts;
  }
}
