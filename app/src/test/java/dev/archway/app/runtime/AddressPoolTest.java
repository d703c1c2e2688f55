package dev.archway.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AddressPoolTest {
  private static DataPlaneConfig config(String... gateways) {
    return new DataPlaneConfig(
        Stream.of(gateways)
            .map(
                g ->
                    new GatewayIr(
                        "gateway/default/" + g,
                        "0.0.0.0",
                        List.of(
                            new HttpListener("gateway/default/" + g + "/port/80", 80, List.of()))))
            .toList(),
        List.of());
  }

  private static List<String> addresses(AddressPool.Assignment assignment) {
    return assignment.config().gateways().stream().map(GatewayIr::bindAddress).toList();
  }

  @Test
  void eachGatewayGetsItsOwnAddressAndKeepsIt() {
    AddressPool pool = new AddressPool("127.0.1.1-127.0.1.3");
    assertThat(addresses(pool.assign(config("b", "a")))).containsExactly("127.0.1.1", "127.0.1.2");
    // "a" goes away: "b" keeps its address, the newcomer takes the freed one.
    assertThat(addresses(pool.assign(config("b", "c")))).containsExactly("127.0.1.2", "127.0.1.1");
    assertThat(pool.addressOf("gateway/default/b")).isEqualTo("127.0.1.2");
  }

  @Test
  void aGatewayBeyondTheRangeIsNotServedAndSaysWhy() {
    AddressPool pool = new AddressPool("127.0.1.1-127.0.1.1");
    AddressPool.Assignment assignment = pool.assign(config("a", "b"));
    assertThat(addresses(assignment)).containsExactly("127.0.1.1");
    assertThat(assignment.listenerErrors())
        .containsOnlyKeys("gateway/default/b/port/80")
        .allSatisfy((k, v) -> assertThat(v).contains("no free address"));
  }

  @Test
  void rejectsMalformedRanges() {
    assertThatThrownBy(() -> new AddressPool("127.0.1.1"))
        .hasMessageContaining("expected FIRST-LAST");
    assertThatThrownBy(() -> new AddressPool("127.0.1.9-127.0.1.1"))
        .hasMessageContaining("not after the last");
    assertThatThrownBy(() -> new AddressPool("::1-::2")).hasMessageContaining("expected");
  }

  private static GatewaySpecAddress address(String type, String value) {
    GatewaySpecAddress a = new GatewaySpecAddress();
    a.setType(type);
    a.setValue(value);
    return a;
  }

  private static Map<String, List<GatewaySpecAddress>> requesting(
      String gateway, GatewaySpecAddress... addresses) {
    return Map.of("gateway/default/" + gateway, List.of(addresses));
  }

  @Test
  void aRequestedAddressInTheRangeIsTheGatewaysAndNoOtherGatewayTakesIt() {
    AddressPool pool = new AddressPool("127.0.1.1-127.0.1.9");
    AddressPool.Assignment assignment =
        pool.assign(config("a", "b"), requesting("b", address("IPAddress", "127.0.1.1")));
    assertThat(addresses(assignment)).containsExactly("127.0.1.2", "127.0.1.1");
    assertThat(assignment.listenerErrors()).isEmpty();
    assertThat(assignment.gatewayAddressErrors()).isEmpty();
  }

  @Test
  void anAddressOutsideTheRangeIsNotUsableAndTheGatewayIsNotServedUntilItChanges() {
    AddressPool pool = new AddressPool("127.0.1.1-127.0.1.9");
    AddressPool.Assignment assignment =
        pool.assign(
            config("a", "b"),
            requesting("b", address("IPAddress", "192.0.2.1"), address("IPAddress", "127.0.1.9")));
    assertThat(addresses(assignment)).containsExactly("127.0.1.1");
    assertThat(assignment.gatewayAddressErrors())
        .containsOnlyKeys("default/b")
        .containsValue(
            "spec.addresses[0]: IPAddress \"192.0.2.1\" is not usable (expected: an address in"
                + " --address-range 127.0.1.1-127.0.1.9)");
    assertThat(assignment.listenerErrors()).containsOnlyKeys("gateway/default/b/port/80");

    // The unusable address removed: the Gateway gets the one left.
    assignment = pool.assign(config("a", "b"), requesting("b", address("IPAddress", "127.0.1.9")));
    assertThat(addresses(assignment)).containsExactly("127.0.1.1", "127.0.1.9");
    assertThat(assignment.gatewayAddressErrors()).isEmpty();
    assertThat(pool.addressOf("gateway/default/b")).isEqualTo("127.0.1.9");
  }

  @Test
  void anAddressAnotherGatewayHoldsIsNotUsable() {
    AddressPool pool = new AddressPool("127.0.1.1-127.0.1.9");
    pool.assign(config("a"));
    AddressPool.Assignment assignment =
        pool.assign(config("a", "b"), requesting("b", address(null, "127.0.1.1")));
    assertThat(addresses(assignment)).containsExactly("127.0.1.1");
    assertThat(assignment.gatewayAddressErrors().get("default/b"))
        .isEqualTo(
            "spec.addresses[0]: IPAddress \"127.0.1.1\" is not usable: Gateway default/a holds it"
                + " (expected: an address no other Gateway holds)");
  }

  @Test
  void hostnamesAndASecondAddressCannotBeAssigned() {
    AddressPool pool = new AddressPool("127.0.1.1-127.0.1.9");
    assertThat(
            pool.assign(config("a"), requesting("a", address("Hostname", "gw.example.com")))
                .gatewayAddressErrors()
                .get("default/a"))
        .startsWith("spec.addresses[0]: Hostname \"gw.example.com\" cannot be assigned");
    assertThat(
            pool.assign(
                    config("a"),
                    requesting(
                        "a", address("IPAddress", "127.0.1.2"), address("IPAddress", "127.0.1.3")))
                .gatewayAddressErrors()
                .get("default/a"))
        .startsWith(
            "spec.addresses[1]: IPAddress \"127.0.1.3\" cannot be assigned as well as"
                + " \"127.0.1.2\"");
  }

  @Test
  void anAddressWithoutAValueLeavesThePoolToChoose() {
    AddressPool pool = new AddressPool("127.0.1.1-127.0.1.9");
    ResourceSnapshot snapshot =
        ResourceSnapshot.builder()
            .add(
                new GatewayBuilder()
                    .withNewMetadata()
                    .withNamespace("default")
                    .withName("empty")
                    .endMetadata()
                    .withNewSpec()
                    .withGatewayClassName("archway")
                    .withAddresses(address("IPAddress", null))
                    .endSpec()
                    .build())
            .add(
                new GatewayBuilder()
                    .withNewMetadata()
                    .withNamespace("default")
                    .withName("static")
                    .endMetadata()
                    .withNewSpec()
                    .withGatewayClassName("archway")
                    .withAddresses(address("IPAddress", "127.0.1.5"))
                    .endSpec()
                    .build())
            .build();
    Map<String, List<GatewaySpecAddress>> requested = AddressPool.requested(snapshot);
    assertThat(requested).containsOnlyKeys("gateway/default/static");
    assertThat(addresses(pool.assign(config("empty", "static"), requested)))
        .containsExactly("127.0.1.1", "127.0.1.5");
  }
}
