package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AddressesTest {
  @Test
  void parsesHostAndPort() {
    assertThat(Addresses.parse("127.0.0.1:19000", "--x").getPort()).isEqualTo(19000);
    assertThat(Addresses.parse("[::1]:80", "--x").getAddress().isLoopbackAddress()).isTrue();
  }

  @Test
  void rejectsValuesWithoutAPortNamingTheOption() {
    assertThatThrownBy(() -> Addresses.parse("localhost", "--admin-address"))
        .hasMessage("--admin-address: localhost (expected: HOST:PORT)");
    assertThatThrownBy(() -> Addresses.parse("localhost:99999", "--admin-address"))
        .hasMessage("--admin-address: port 99999 (expected: 0-65535)");
  }
}
