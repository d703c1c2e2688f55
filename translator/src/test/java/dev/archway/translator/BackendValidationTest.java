package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackendValidationTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "192.0.2.1",
        "0.0.0.0",
        "255.255.255.255",
        "::1",
        "::",
        "2001:db8::1",
        "2001:db8:0:0:0:0:0:1",
        "fe80::",
        "::ffff:192.0.2.1",
        "2001:DB8::a:b"
      })
  void acceptsIpLiterals(String address) {
    assertThat(BackendValidation.isIpAddress(address)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "256.0.0.1",
        "192.0.2",
        "01.2.3.4",
        "backend.example.net",
        "2001:db8::1::2",
        "2001:db8:0:0:0:0:0:0:1",
        "2001:db8:0:0:0:0:1",
        ":1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:",
        "12345::",
        "::ffff:999.0.2.1",
        "g::1"
      })
  void refusesAnythingElse(String address) {
    assertThat(BackendValidation.isIpAddress(address)).isFalse();
  }
}
