package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostnamesTest {
  @ParameterizedTest(name = "listener {0} ∩ route {1} = {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        // either side empty matches all
        "null, null, *",
        "null, a.example.com, a.example.com",
        "null, *.example.com, *.example.com",
        "a.example.com, null, a.example.com",
        "*.example.com, null, *.example.com",
        // exact names
        "a.example.com, a.example.com, a.example.com",
        "a.example.com, b.example.com, none",
        // a wildcard matches one or more labels, never the apex
        "*.example.com, a.example.com, a.example.com",
        "*.example.com, a.b.example.com, a.b.example.com",
        "*.example.com, example.com, none",
        "*.example.com, aexample.com, none",
        "example.com, *.example.com, none",
        "very.specific.com, *.specific.com, very.specific.com",
        // two wildcards: the narrower one
        "*.example.com, *.example.com, *.example.com",
        "*.example.com, *.a.example.com, *.a.example.com",
        "*.a.example.com, *.example.com, *.a.example.com",
        "*.example.com, *.example.org, none",
      })
  void intersect(String listener, String route, String expected) {
    assertThat(Hostnames.intersect(listener, route).orElse("none")).isEqualTo(expected);
  }

  @Test
  void effectiveKeepsRouteOrderDropsNonMatchingAndDuplicates() {
    assertThat(
            Hostnames.effective(
                "very.specific.com", List.of("*.specific.com", "very.specific.com", "other.com")))
        .containsExactly("very.specific.com");
    assertThat(
            Hostnames.effective(
                "*.example.com", List.of("b.example.com", "example.com", "*.a.example.com")))
        .containsExactly("b.example.com", "*.a.example.com");
    assertThat(Hostnames.effective("*.example.com", List.of())).containsExactly("*.example.com");
    assertThat(Hostnames.effective(null, List.of())).containsExactly("*");
    assertThat(Hostnames.effective("a.com", List.of("b.com"))).isEmpty();
  }

  @Test
  void validity() {
    assertThat(Hostnames.isValid("a.example.com")).isTrue();
    assertThat(Hostnames.isValid("*.example.com")).isTrue();
    assertThat(Hostnames.isValid("*")).isFalse();
    assertThat(Hostnames.isValid("A.example.com")).isFalse();
    assertThat(Hostnames.isValid("a_b.example.com")).isFalse();
    assertThat(Hostnames.isValid("a.*.example.com")).isFalse();
    assertThat(Hostnames.isValid("a".repeat(254))).isFalse();
  }

  @Test
  void specificityPutsExactFirstLongestFirstAndAnyLast() {
    List<String> hostnames =
        new ArrayList<>(
            List.of("*", "*.example.com", "a.example.com", "*.a.example.com", "www.a.example.com"));
    hostnames.sort(Hostnames.SPECIFICITY);
    assertThat(hostnames)
        .containsExactly(
            "www.a.example.com", "a.example.com", "*.a.example.com", "*.example.com", "*");
  }
}
