package dev.archway.app.runtime;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.TcpListener;
import dev.archway.ir.TlsListener;
import dev.archway.ir.UdpListener;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Gives each Gateway its own local address from a range (host infrastructure: the controller's data
 * plane serves every Gateway, each on its own address, so that two Gateways can both listen on port
 * 80). A Gateway keeps its address while it exists; a new Gateway takes the lowest free one,
 * Gateways appearing together are served in name order, so a restarted controller gives the same
 * Gateways the same addresses.
 */
final class AddressPool {
  /** The configuration to apply, and why some listeners are not served (no address left). */
  record Assignment(DataPlaneConfig config, Map<String, String> listenerErrors) {}

  private final String range;
  private final int first;
  private final int last;
  private final Map<String, Integer> assigned = new HashMap<>();

  /**
   * @param range {@code FIRST-LAST}, two IPv4 addresses, such as {@code 127.0.1.1-127.0.1.254}
   */
  AddressPool(String range) {
    this.range = range;
    int dash = range.indexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException(
          "--address-range: " + range + " (expected FIRST-LAST, e.g. 127.0.1.1-127.0.1.254)");
    }
    this.first = ipv4(range.substring(0, dash).trim());
    this.last = ipv4(range.substring(dash + 1).trim());
    if (Integer.compareUnsigned(first, last) > 0) {
      throw new IllegalArgumentException(
          "--address-range: " + range + " (expected the first address not after the last)");
    }
  }

  private static int ipv4(String text) {
    try {
      byte[] b = InetAddress.getByName(text).getAddress();
      if (b.length != 4 || !text.matches("[0-9.]+")) {
        throw new IllegalArgumentException("--address-range: " + text + " (expected IPv4)");
      }
      return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--address-range: " + text + " (expected IPv4)", e);
    }
  }

  private static String text(int address) {
    return (address >>> 24)
        + "."
        + (address >>> 16 & 0xff)
        + "."
        + (address >>> 8 & 0xff)
        + "."
        + (address & 0xff);
  }

  /** The address of a Gateway ({@code gateway/<ns>/<name>}), or null. */
  synchronized String addressOf(String gatewayName) {
    Integer a = assigned.get(gatewayName);
    return a == null ? null : text(a);
  }

  /** Binds every Gateway of {@code config} to its address; frees the addresses of Gateways gone. */
  synchronized Assignment assign(DataPlaneConfig config) {
    Set<String> present = new HashSet<>();
    config.gateways().forEach(g -> present.add(g.name()));
    assigned.keySet().retainAll(present);
    Set<Integer> used = new HashSet<>(assigned.values());
    Map<String, GatewayIr> sorted = new TreeMap<>();
    config.gateways().forEach(g -> sorted.put(g.name(), g));
    Map<String, String> errors = new LinkedHashMap<>();
    List<GatewayIr> gateways = new ArrayList<>();
    for (GatewayIr gateway : sorted.values()) {
      Integer address = assigned.get(gateway.name());
      if (address == null) {
        address = lowestFree(used);
        if (address == null) {
          for (String listener : listenerNames(gateway)) {
            errors.put(listener, "no free address left in --address-range " + range);
          }
          continue;
        }
        assigned.put(gateway.name(), address);
        used.add(address);
      }
      gateways.add(
          new GatewayIr(
              gateway.name(),
              text(address),
              gateway.httpListeners(),
              gateway.tlsListeners(),
              gateway.tcpListeners(),
              gateway.udpListeners(),
              gateway.backendClientCertificate(),
              gateway.infrastructure()));
    }
    // Keep the configuration's own order (sorted by name, like the translator's).
    gateways.sort((a, b) -> a.name().compareTo(b.name()));
    return new Assignment(new DataPlaneConfig(gateways, config.destinations()), errors);
  }

  private Integer lowestFree(Set<Integer> used) {
    for (long a = Integer.toUnsignedLong(first); a <= Integer.toUnsignedLong(last); a++) {
      if (!used.contains((int) a)) {
        return (int) a;
      }
    }
    return null;
  }

  private static List<String> listenerNames(GatewayIr gateway) {
    List<String> names = new ArrayList<>();
    gateway.httpListeners().stream().map(HttpListener::name).forEach(names::add);
    gateway.tlsListeners().stream().map(TlsListener::name).forEach(names::add);
    gateway.tcpListeners().stream().map(TcpListener::name).forEach(names::add);
    gateway.udpListeners().stream().map(UdpListener::name).forEach(names::add);
    return names;
  }
}
