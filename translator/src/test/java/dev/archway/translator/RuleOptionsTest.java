package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleOptionsTest {
  private static Long millis(String value) {
    List<RuleProblem> problems = new ArrayList<>();
    Long result = RuleOptions.duration(value, "spec.rules[0].timeouts.request", problems);
    return problems.isEmpty() ? result : null;
  }

  @Test
  void readsGatewayApiDurationsWithEveryUnit() {
    // "ms" must not be read as minutes followed by a stray "s" (a bug the conformance suite found).
    assertThat(millis("500ms")).isEqualTo(500L);
    assertThat(millis("10s")).isEqualTo(10_000L);
    assertThat(millis("2m")).isEqualTo(120_000L);
    assertThat(millis("1h30m")).isEqualTo(5_400_000L);
    assertThat(millis("1m500ms")).isEqualTo(60_500L);
    assertThat(millis("0s")).isEqualTo(0L);
  }

  @Test
  void rejectsWhatIsNotADuration() {
    assertThat(millis("500")).isNull();
    assertThat(millis("1.5s")).isNull();
    assertThat(millis("5d")).isNull();
  }
}
