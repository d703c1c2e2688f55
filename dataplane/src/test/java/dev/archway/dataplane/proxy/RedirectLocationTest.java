package dev.archway.dataplane.proxy;

import static dev.archway.dataplane.Ir.fullPath;
import static dev.archway.dataplane.Ir.prefixPath;
import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.dataplane.routing.RequestTarget;
import dev.archway.ir.HttpFilter;
import org.junit.jupiter.api.Test;

class RedirectLocationTest {
  private static String location(
      HttpFilter.RequestRedirect redirect, int listenerPort, String uri) {
    return RedirectLocation.build(
        redirect, "http", "example.com", listenerPort, RequestTarget.parse(uri));
  }

  @Test
  void keepsTheListenerPortWhenNothingIsSet() {
    var redirect = new HttpFilter.RequestRedirect(null, null, null, null, 302);
    assertThat(location(redirect, 8080, "/a?b=1")).isEqualTo("http://example.com:8080/a?b=1");
    assertThat(location(redirect, 80, "/a")).isEqualTo("http://example.com/a");
  }

  @Test
  void usesTheWellKnownPortOfAGivenScheme() {
    assertThat(location(new HttpFilter.RequestRedirect("https", null, null, null, 302), 8080, "/"))
        .isEqualTo("https://example.com/");
    assertThat(location(new HttpFilter.RequestRedirect("http", null, null, null, 302), 8080, "/"))
        .isEqualTo("http://example.com/");
  }

  @Test
  void usesAnExplicitPortUnlessItIsTheSchemeDefault() {
    assertThat(location(new HttpFilter.RequestRedirect("https", "x.org", 8443, null, 302), 80, "/"))
        .isEqualTo("https://x.org:8443/");
    assertThat(location(new HttpFilter.RequestRedirect("https", null, 443, null, 302), 80, "/"))
        .isEqualTo("https://example.com/");
  }

  @Test
  void rewritesThePath() {
    assertThat(
            location(
                new HttpFilter.RequestRedirect(null, null, null, fullPath("/new"), 302),
                80,
                "/old?q"))
        .isEqualTo("http://example.com/new?q");
    assertThat(
            location(
                new HttpFilter.RequestRedirect(null, null, null, prefixPath("/strip", "/"), 302),
                80,
                "/strip/a"))
        .isEqualTo("http://example.com/a");
  }
}
