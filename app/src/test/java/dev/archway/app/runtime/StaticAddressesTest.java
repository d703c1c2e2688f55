package dev.archway.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticAddressesTest {
  private static GatewaySpecAddress address(String type, String value) {
    GatewaySpecAddress a = new GatewaySpecAddress();
    a.setType(type);
    a.setValue(value);
    return a;
  }

  private static GatewaySpecAddress ip(String value) {
    return address("IPAddress", value);
  }

  private static Map<String, List<GatewaySpecAddress>> requests(Object... gatewayThenAddresses) {
    Map<String, List<GatewaySpecAddress>> requests = new LinkedHashMap<>();
    for (int i = 0; i < gatewayThenAddresses.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<GatewaySpecAddress> list = (List<GatewaySpecAddress>) gatewayThenAddresses[i + 1];
      requests.put("gateway/default/" + gatewayThenAddresses[i], list);
    }
    return requests;
  }

  private static List<String> gateways(String... names) {
    return java.util.Arrays.stream(names).map(n -> "gateway/default/" + n).toList();
  }

  @Test
  void addressesInTheRangeGoToTheServiceInTheirOrder() {
    StaticAddresses statics = new StaticAddresses("198.51.100.1-198.51.100.9");
    StaticAddresses.Assignment assignment =
        statics.assign(
            gateways("a", "b"),
            requests(
                "a", List.of(ip("198.51.100.9"), address("IPAddress", null), ip("198.51.100.2"))));
    assertThat(assignment.of("gateway/default/a")).containsExactly("198.51.100.9", "198.51.100.2");
    assertThat(assignment.of("gateway/default/b")).isEmpty();
    assertThat(assignment.errors()).isEmpty();
  }

  @Test
  void anAddressOutsideTheRangeIsNotUsableButTheOthersStay() {
    StaticAddresses statics = new StaticAddresses("198.51.100.1-198.51.100.9");
    StaticAddresses.Assignment assignment =
        statics.assign(
            gateways("a"),
            requests(
                "a",
                List.of(ip("192.0.2.1"), ip("198.51.100.3"), ip("2001:db8::1"), ip("10.0.0.01"))));
    assertThat(assignment.of("gateway/default/a")).containsExactly("198.51.100.3");
    assertThat(assignment.errors())
        .containsExactly(
            Map.entry(
                "default/a",
                "spec.addresses[0]: IPAddress \"192.0.2.1\" is not usable (expected: an address in"
                    + " --address-range 198.51.100.1-198.51.100.9); spec.addresses[2]: IPAddress"
                    + " \"2001:db8::1\" is not usable (expected: an IPv4 address in --address-range"
                    + " 198.51.100.1-198.51.100.9); spec.addresses[3]: IPAddress \"10.0.0.01\" is"
                    + " not usable (expected: an IPv4 address in --address-range"
                    + " 198.51.100.1-198.51.100.9)"));

    // The unusable ones removed: nothing to report.
    assignment = statics.assign(gateways("a"), requests("a", List.of(ip("198.51.100.3"))));
    assertThat(assignment.of("gateway/default/a")).containsExactly("198.51.100.3");
    assertThat(assignment.errors()).isEmpty();
  }

  @Test
  void withoutARangeNoAddressIsUsable() {
    StaticAddresses statics = new StaticAddresses(null);
    StaticAddresses.Assignment assignment =
        statics.assign(
            gateways("a"), requests("a", List.of(address("IPAddress", ""), ip("198.51.100.3"))));
    assertThat(assignment.externalIps()).isEmpty();
    assertThat(assignment.errors().get("default/a"))
        .isEqualTo(
            "spec.addresses[1]: IPAddress \"198.51.100.3\" is not usable (expected: no value; the"
                + " controller allows no static addresses, see --address-range)");
  }

  @Test
  void anotherTypeIsNotUsable() {
    StaticAddresses statics = new StaticAddresses("198.51.100.1-198.51.100.9");
    assertThat(
            statics
                .assign(gateways("a"), requests("a", List.of(address("Hostname", "gw.example"))))
                .errors()
                .get("default/a"))
        .isEqualTo(
            "spec.addresses[0]: Hostname \"gw.example\" is not usable (expected: an IPAddress)");
  }

  @Test
  void aGatewayKeepsTheAddressItHoldsAndANewcomerIsToldWhoHasIt() {
    StaticAddresses statics = new StaticAddresses("198.51.100.1-198.51.100.9");
    statics.assign(gateways("b"), requests("b", List.of(ip("198.51.100.5"))));
    // "a" comes first by name but "b" holds the address.
    StaticAddresses.Assignment assignment =
        statics.assign(
            gateways("a", "b"),
            requests("a", List.of(ip("198.51.100.5")), "b", List.of(ip("198.51.100.5"))));
    assertThat(assignment.of("gateway/default/b")).containsExactly("198.51.100.5");
    assertThat(assignment.of("gateway/default/a")).isEmpty();
    assertThat(assignment.errors())
        .containsExactly(
            Map.entry(
                "default/a",
                "spec.addresses[0]: IPAddress \"198.51.100.5\" is not usable: Gateway default/b"
                    + " holds it (expected: an address no other Gateway holds)"));

    // "b" lets it go: "a" gets it.
    assignment =
        statics.assign(
            gateways("a", "b"),
            requests("a", List.of(ip("198.51.100.5")), "b", List.of(ip("198.51.100.6"))));
    assertThat(assignment.of("gateway/default/a")).containsExactly("198.51.100.5");
    assertThat(assignment.of("gateway/default/b")).containsExactly("198.51.100.6");
    assertThat(assignment.errors()).isEmpty();
  }

  @Test
  void newRequestsForOneAddressGoToTheFirstGatewayByName() {
    StaticAddresses statics = new StaticAddresses("198.51.100.1-198.51.100.9");
    StaticAddresses.Assignment assignment =
        statics.assign(
            gateways("b", "a"),
            requests("b", List.of(ip("198.51.100.7")), "a", List.of(ip("198.51.100.7"))));
    assertThat(assignment.of("gateway/default/a")).containsExactly("198.51.100.7");
    assertThat(assignment.errors()).containsOnlyKeys("default/b");
  }

  @Test
  void refusesRangesTheApiServerWouldRefuseAsExternalIps() {
    assertThatThrownBy(() -> new StaticAddresses("127.0.1.1-127.0.1.9"))
        .hasMessage(
            "--address-range: 127.0.1.1-127.0.1.9 holds loopback addresses (127.0.0.0/8)"
                + " (expected, with --infrastructure kubernetes: addresses a Service's"
                + " spec.externalIPs may hold)");
    assertThatThrownBy(() -> new StaticAddresses("169.253.255.250-169.254.0.1"))
        .hasMessageContaining("link-local addresses");
    assertThatThrownBy(() -> new StaticAddresses("0.0.0.0-0.0.0.9"))
        .hasMessageContaining("the unspecified address");
    assertThatThrownBy(() -> new StaticAddresses("198.51.100.1"))
        .hasMessageContaining("expected FIRST-LAST");
    // Next to the refused blocks is fine.
    new StaticAddresses("126.255.255.250-126.255.255.255");
    new StaticAddresses("224.0.1.0-224.0.1.9");
  }
}
