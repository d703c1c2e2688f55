package dev.archway.app.runtime;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * GatewayStaticAddresses with Kubernetes infrastructure: the {@code IPAddress} values a Gateway
 * requests in {@code spec.addresses} become its proxy Service's {@code spec.externalIPs} when they
 * lie in the range the operator allows ({@code --address-range}) and no other Gateway holds them.
 *
 * <p><b>Why a range.</b> kube-proxy on every node captures traffic to a Service's external IPs,
 * whoever the address belongs to (CVE-2020-8554). A Gateway's author need not be allowed to create
 * Services, so Archway carries only addresses the operator set aside; without a range none is
 * usable. The API server refuses external IPs that are unspecified, loopback or link-local (Service
 * validation, {@code ValidateEndpointIP}), so such a range is refused at start instead of failing
 * at every apply.
 *
 * <p><b>An address that cannot be used</b> (outside the range, not IPv4, another Gateway's) is
 * reported: Programmed=False AddressNotUsable, naming {@code spec.addresses[i]}. Unlike the host
 * data plane, which binds a Gateway to one address and then does not serve it, the Gateway keeps
 * its proxy and its Service carries the requested addresses it may have: a Gateway that serves
 * traffic keeps serving it while its spec names an address it cannot have. Removing the address
 * recovers ({@code Programmed=True}).
 *
 * <p><b>Held addresses.</b> A Gateway keeps an address it was given while it still requests it; of
 * Gateways newly requesting the same address, the first by {@code gateway/<namespace>/<name>} gets
 * it. A restarted controller starts from name order.
 */
final class StaticAddresses {
  /**
   * What each Gateway's Service carries, and why some requested addresses are not usable.
   *
   * @param externalIps by IR name {@code gateway/<namespace>/<name>}: the usable requested
   *     addresses in the order of {@code spec.addresses} (absent: none requested or none usable)
   * @param errors by {@code <namespace>/<name>}: the unusable entries, each naming its field
   */
  record Assignment(Map<String, List<String>> externalIps, Map<String, String> errors) {
    /** The external IPs of a Gateway's Service (IR name), possibly none. */
    List<String> of(String gateway) {
      return externalIps.getOrDefault(gateway, List.of());
    }
  }

  /** Addresses a Service's spec.externalIPs may not hold, {@code FIRST-LAST}. */
  private record Refused(String first, String last, String what) {}

  private static final List<Refused> REFUSED =
      List.of(
          new Refused("0.0.0.0", "0.0.0.0", "the unspecified address"),
          new Refused("127.0.0.0", "127.255.255.255", "loopback addresses (127.0.0.0/8)"),
          new Refused("169.254.0.0", "169.254.255.255", "link-local addresses (169.254.0.0/16)"),
          new Refused("224.0.0.0", "224.0.0.255", "link-local multicast addresses (224.0.0.0/24)"));

  private final AddressRange range; // null: no address may be requested
  private Map<Integer, String> holders = Map.of(); // address -> IR name, from the last assign

  /**
   * @param range {@code FIRST-LAST} of IPv4 addresses Gateways may request, or null (or blank) for
   *     none
   * @throws IllegalArgumentException when the range is malformed or holds addresses the API server
   *     refuses as external IPs
   */
  StaticAddresses(String range) {
    this.range = range == null || range.isBlank() ? null : AddressRange.parse(range);
    if (this.range != null) {
      for (Refused refused : REFUSED) {
        if (this.range.overlaps(
            AddressRange.ipv4(refused.first()), AddressRange.ipv4(refused.last()))) {
          throw new IllegalArgumentException(
              "--address-range: "
                  + range
                  + " holds "
                  + refused.what()
                  + " (expected, with --infrastructure kubernetes: addresses a Service's"
                  + " spec.externalIPs may hold)");
        }
      }
    }
  }

  /**
   * Decides every Gateway's external IPs.
   *
   * @param gateways the IR names of the Gateways being provisioned
   * @param requested their {@code spec.addresses} by IR name ({@link AddressPool#requested})
   */
  synchronized Assignment assign(
      Collection<String> gateways, Map<String, List<GatewaySpecAddress>> requested) {
    // Per Gateway, in name order: the usable candidates (index -> address) and the problems.
    Map<String, Map<Integer, Integer>> candidates = new TreeMap<>();
    Map<String, Map<Integer, String>> problems = new TreeMap<>();
    for (String gateway : new TreeSet<>(gateways)) {
      List<GatewaySpecAddress> request = requested.getOrDefault(gateway, List.of());
      Map<Integer, Integer> usable = new LinkedHashMap<>();
      Map<Integer, String> unusable = new TreeMap<>();
      for (int i = 0; i < request.size(); i++) {
        GatewaySpecAddress a = request.get(i);
        String value = a == null ? null : a.getValue();
        if (value == null || value.isEmpty()) {
          continue; // GatewayAddressEmpty: the Service's own address
        }
        String problem = problem(i, Objects.requireNonNullElse(a.getType(), "IPAddress"), value);
        if (problem == null) {
          usable.put(i, AddressRange.ipv4(value));
        } else {
          unusable.put(i, problem);
        }
      }
      candidates.put(gateway, usable);
      problems.put(gateway, unusable);
    }

    // Who holds each wanted address: its holder if it still wants it, else the first by name.
    Map<Integer, String> holding = new HashMap<>();
    candidates.forEach(
        (gateway, usable) ->
            usable.values().stream()
                .filter(address -> gateway.equals(holders.get(address)))
                .forEach(address -> holding.put(address, gateway)));
    candidates.forEach(
        (gateway, usable) -> usable.values().forEach(a -> holding.putIfAbsent(a, gateway)));

    Map<String, List<String>> externalIps = new TreeMap<>();
    Map<String, String> errors = new TreeMap<>();
    for (Map.Entry<String, Map<Integer, Integer>> entry : candidates.entrySet()) {
      String gateway = entry.getKey();
      List<String> ips = new ArrayList<>();
      Map<Integer, String> unusable = problems.get(gateway);
      for (Map.Entry<Integer, Integer> candidate : entry.getValue().entrySet()) {
        String holder = holding.get(candidate.getValue());
        String text = AddressRange.text(candidate.getValue());
        if (holder.equals(gateway)) {
          ips.add(text);
        } else {
          unusable.put(
              candidate.getKey(),
              "spec.addresses["
                  + candidate.getKey()
                  + "]: IPAddress \""
                  + text
                  + "\" is not usable: Gateway "
                  + holder.substring("gateway/".length())
                  + " holds it (expected: an address no other Gateway holds)");
        }
      }
      if (!ips.isEmpty()) {
        externalIps.put(gateway, List.copyOf(ips));
      }
      if (!unusable.isEmpty()) {
        errors.put(gateway.substring("gateway/".length()), String.join("; ", unusable.values()));
      }
    }
    holders = Map.copyOf(holding);
    return new Assignment(Map.copyOf(externalIps), Map.copyOf(errors));
  }

  /** Why entry {@code i} cannot be carried to the Service, or null when it can. */
  private String problem(int i, String type, String value) {
    String at = "spec.addresses[" + i + "]: " + type + " \"" + value + "\"";
    if (!type.equals("IPAddress")) {
      // The translator refuses other types (Accepted=False UnsupportedAddress) before this.
      return at + " is not usable (expected: an IPAddress)";
    }
    if (range == null) {
      return at
          + " is not usable (expected: no value; the controller allows no static addresses, see"
          + " --address-range)";
    }
    Integer address = AddressRange.ipv4(value);
    // The canonical form only, so that the Service and status.addresses show the value requested.
    if (address == null || !AddressRange.text(address).equals(value)) {
      return at + " is not usable (expected: an IPv4 address in --address-range " + range + ")";
    }
    if (!range.contains(address)) {
      return at + " is not usable (expected: an address in --address-range " + range + ")";
    }
    return null;
  }
}
