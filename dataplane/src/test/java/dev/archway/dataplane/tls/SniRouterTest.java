package dev.archway.dataplane.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SniRouterTest {
  private final SniRouter<String> router =
      SniRouter.of(
          Map.of(
              "a.example.com", "exact",
              "*.example.com", "wildcard",
              "*.b.example.com", "longer-wildcard",
              "*", "default"));

  @Test
  void exactBeatsWildcardsAndLongestWildcardWins() {
    assertThat(router.select("a.example.com")).isEqualTo("exact");
    assertThat(router.select("A.Example.COM.")).isEqualTo("exact");
    assertThat(router.select("x.example.com")).isEqualTo("wildcard");
    assertThat(router.select("x.y.example.com")).isEqualTo("wildcard");
    assertThat(router.select("x.b.example.com")).isEqualTo("longer-wildcard");
  }

  @Test
  void wildcardNeedsALabelInFrontAndNoSniGetsTheDefault() {
    assertThat(router.select("example.com")).isEqualTo("default");
    assertThat(router.select("other.org")).isEqualTo("default");
    assertThat(router.select(null)).isEqualTo("default");
    assertThat(SniRouter.of(Map.of("a.example.com", "x")).select(null)).isNull();
    assertThat(SniRouter.of(Map.of("a.example.com", "x")).select("b.example.com")).isNull();
  }

  @Test
  void routeHostnamesMatchLikeListenerHostnames() {
    assertThat(SniRouter.matches("*", null)).isTrue();
    assertThat(SniRouter.matches("*.example.com", "a.b.example.com")).isTrue();
    assertThat(SniRouter.matches("*.example.com", "example.com")).isFalse();
    assertThat(SniRouter.matches("a.example.com", "A.example.com")).isTrue();
    assertThat(SniRouter.matches("a.example.com", null)).isFalse();
  }
}
