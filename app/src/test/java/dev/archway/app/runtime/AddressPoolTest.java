package dev.archway.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import java.util.List;
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
}
