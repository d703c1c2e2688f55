package dev.archway.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CorsWildcardTest {
  @Test
  void aWildcardIsAnsweredWithWhatThePreflightAskedFor() {
    assertThat(Cors.echoWildcard("*", "PUT")).isEqualTo("PUT");
    assertThat(Cors.echoWildcard("*", "x-a, x-b")).isEqualTo("x-a, x-b");
  }

  @Test
  void listsAndUnaskedWildcardsStayAsConfigured() {
    assertThat(Cors.echoWildcard("GET, POST", "PUT")).isEqualTo("GET, POST");
    assertThat(Cors.echoWildcard("*", null)).isEqualTo("*");
    assertThat(Cors.echoWildcard(null, "PUT")).isNull();
  }
}
