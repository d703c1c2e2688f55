package dev.archway.app.runtime;

import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.TcpListener;
import dev.archway.ir.TlsListener;
import dev.archway.ir.UdpListener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Gives each Gateway its own local address from a range (host infrastructure: the controller's data
 * plane serves every Gateway, each on its own address, so that two Gateways can both listen on port
 * 80). A Gateway keeps its address while it exists; a new Gateway takes the lowest free one,
 * Gateways appearing together are served in name order, so a restarted controller gives the same
 * Gateways the same addresses.
 *
 * <p>A Gateway that requests an address in {@code spec.addresses} (GatewayStaticAddresses) gets
 * exactly that one, when it is an IPv4 address inside the range that no other Gateway holds; any
 * other requested value (outside the range, taken, a second address: the data plane binds a Gateway
 * to one address; a Hostname, which the translator already refuses) cannot be used, and the Gateway
 * is not served until its spec changes (Programmed: False, AddressNotUsable). With Kubernetes
 * infrastructure {@link StaticAddresses} decides instead. An address entry without a value
 * (GatewayAddressEmpty) asks for any address: the pool's choice.
 */
final class AddressPool {
  /**
   * The configuration to apply, and why some Gateways or listeners are not served.
   *
   * @param listenerErrors by listener IR name (no address left, or the Gateway's address unusable)
   * @param gatewayAddressErrors by {@code <namespace>/<name>}: why a requested address is unusable
   */
  record Assignment(
      DataPlaneConfig config,
      Map<String, String> listenerErrors,
      Map<String, String> gatewayAddressErrors) {}

  private final AddressRange range;
  private final Map<String, Integer> assigned = new HashMap<>();

  /**
   * @param range {@code FIRST-LAST}, two IPv4 addresses, such as {@code 127.0.1.1-127.0.1.254}
   */
  AddressPool(String range) {
    this.range = AddressRange.parse(range);
  }

  /** The address of a Gateway ({@code gateway/<ns>/<name>}), or null. */
  synchronized String addressOf(String gatewayName) {
    Integer a = assigned.get(gatewayName);
    return a == null ? null : AddressRange.text(a);
  }

  /**
   * The {@code spec.addresses} of each Gateway that requests an address (an entry with a value),
   * keyed by IR name {@code gateway/<namespace>/<name>}.
   */
  static Map<String, List<GatewaySpecAddress>> requested(ResourceSnapshot snapshot) {
    Map<String, List<GatewaySpecAddress>> requested = new HashMap<>();
    for (Gateway gateway : snapshot.list(Gateway.class)) {
      List<GatewaySpecAddress> addresses =
          gateway.getSpec() == null ? null : gateway.getSpec().getAddresses();
      if (addresses != null && addresses.stream().anyMatch(AddressPool::hasValue)) {
        requested.put(
            "gateway/"
                + gateway.getMetadata().getNamespace()
                + "/"
                + gateway.getMetadata().getName(),
            List.copyOf(addresses));
      }
    }
    return requested;
  }

  private static boolean hasValue(GatewaySpecAddress a) {
    return a != null && a.getValue() != null && !a.getValue().isEmpty();
  }

  /** Binds every Gateway of {@code config} to its address; frees the addresses of Gateways gone. */
  synchronized Assignment assign(DataPlaneConfig config) {
    return assign(config, Map.of());
  }

  /**
   * Binds every Gateway of {@code config} to its address (the requested one, by {@link #requested},
   * else a free one); frees the addresses of Gateways gone.
   */
  synchronized Assignment assign(
      DataPlaneConfig config, Map<String, List<GatewaySpecAddress>> requested) {
    Set<String> present = new HashSet<>();
    config.gateways().forEach(g -> present.add(g.name()));
    assigned.keySet().retainAll(present);
    Map<String, GatewayIr> sorted = new TreeMap<>();
    config.gateways().forEach(g -> sorted.put(g.name(), g));
    Map<String, String> errors = new LinkedHashMap<>();
    Map<String, String> addressErrors = new TreeMap<>();
    // Requested addresses first, so that no Gateway without a request takes one in this pass.
    for (GatewayIr gateway : sorted.values()) {
      List<GatewaySpecAddress> request = requested.getOrDefault(gateway.name(), List.of());
      if (request.stream().noneMatch(AddressPool::hasValue)) {
        continue;
      }
      // An address the Gateway held before is freed unless it is the one requested.
      assigned.remove(gateway.name());
      String problem = problem(gateway.name(), request);
      if (problem == null) {
        assigned.put(
            gateway.name(),
            AddressRange.ipv4(
                request.stream().filter(AddressPool::hasValue).findFirst().get().getValue()));
      } else {
        addressErrors.put(gateway.name().substring("gateway/".length()), problem);
        for (String listener : listenerNames(gateway)) {
          errors.put(listener, "not served: " + problem);
        }
      }
    }
    Set<Integer> used = new HashSet<>(assigned.values());
    List<GatewayIr> gateways = new ArrayList<>();
    for (GatewayIr gateway : sorted.values()) {
      if (addressErrors.containsKey(gateway.name().substring("gateway/".length()))) {
        continue;
      }
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
      gateways.add(gateway.withBindAddress(AddressRange.text(address)));
    }
    // Keep the configuration's own order (sorted by name, like the translator's).
    gateways.sort((a, b) -> a.name().compareTo(b.name()));
    return new Assignment(
        new DataPlaneConfig(gateways, config.destinations()), errors, addressErrors);
  }

  /** Why the requested addresses cannot be used, or null when the one requested can. */
  private String problem(String gateway, List<GatewaySpecAddress> request) {
    String chosen = null;
    for (int i = 0; i < request.size(); i++) {
      GatewaySpecAddress a = request.get(i);
      if (!hasValue(a)) {
        continue; // GatewayAddressEmpty: any address; the requested one, if any, is it
      }
      String type = Objects.requireNonNullElse(a.getType(), "IPAddress");
      String at = "spec.addresses[" + i + "]: " + type + " \"" + a.getValue() + "\"";
      if (!type.equals("IPAddress")) {
        return at
            + " cannot be assigned (expected: an IPAddress from --address-range "
            + range
            + "; host infrastructure binds each Gateway to one local address)";
      }
      if (chosen != null) {
        return at
            + " cannot be assigned as well as \""
            + chosen
            + "\" (expected: one address; host infrastructure binds each Gateway to one local"
            + " address)";
      }
      chosen = a.getValue();
      Integer address = AddressRange.ipv4(a.getValue());
      if (address == null || !range.contains(address)) {
        return at + " is not usable (expected: an address in --address-range " + range + ")";
      }
      for (Map.Entry<String, Integer> e : assigned.entrySet()) {
        if (e.getValue().equals(address) && !e.getKey().equals(gateway)) {
          return at
              + " is not usable: Gateway "
              + e.getKey().substring("gateway/".length())
              + " holds it (expected: an address no other Gateway holds)";
        }
      }
    }
    return null;
  }

  private Integer lowestFree(Set<Integer> used) {
    for (long a = Integer.toUnsignedLong(range.first());
        a <= Integer.toUnsignedLong(range.last());
        a++) {
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
