package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The hand-written validators that replace regular expressions on the hot path accept exactly what
 * the CRDs' patterns accept.
 */
class ValidatorsMatchPatternsTest {
  private static final Pattern PATH_CHARACTERS =
      Pattern.compile("^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$");

  @Property(tries = 2000)
  void hostnames(@ForAll("hostnameLike") String s) {
    assertThat(Hostnames.isValid(s)).as(s).isEqualTo(Hostnames.matchesPattern(s));
  }

  @Property(tries = 2000)
  void pathCharacters(@ForAll("pathLike") String s) {
    assertThat(MatchCompiler.pathCharacters(s))
        .as(s)
        .isEqualTo(PATH_CHARACTERS.matcher(s).matches());
  }

  @Provide
  Arbitrary<String> hostnameLike() {
    return Arbitraries.strings().withChars("ab09-.*_A").ofMinLength(0).ofMaxLength(12);
  }

  @Provide
  Arbitrary<String> pathLike() {
    return Arbitraries.strings()
        .withChars("/aZ9-._~!$&'()*+,;=:@%fG #?")
        .ofMinLength(0)
        .ofMaxLength(12);
  }
}
