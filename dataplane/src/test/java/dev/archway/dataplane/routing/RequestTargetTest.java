package dev.archway.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RequestTargetTest {
  private static String norm(String path) {
    return RequestTarget.normalizePath(path);
  }

  @Test
  void resolvesDotSegmentsWithoutClimbingAboveRoot() {
    assertThat(norm("/a/b/../c")).isEqualTo("/a/c");
    assertThat(norm("/a/./b")).isEqualTo("/a/b");
    assertThat(norm("/../../etc")).isEqualTo("/etc");
    assertThat(norm("/a/..")).isEqualTo("/");
    assertThat(norm("/a/.")).isEqualTo("/a/");
  }

  @Test
  void returnsAPathWithNothingToResolveAsItIs() {
    for (String path :
        new String[] {"/", "/svc/0", "/a/b/", "/.well-known/x", "/a/..b", "/a.b/c."}) {
      assertThat(norm(path)).isSameAs(path);
    }
    assertThat(norm("/a/.%2E")).isEqualTo("/");
    assertThat(norm("/a/b/..")).isEqualTo("/a/");
  }

  @Test
  void collapsesDuplicateSlashesAndKeepsTheTrailingOne() {
    assertThat(norm("//a///b")).isEqualTo("/a/b");
    assertThat(norm("/abc/")).isEqualTo("/abc/");
    assertThat(norm("/a//")).isEqualTo("/a/");
    assertThat(norm("/")).isEqualTo("/");
  }

  @Test
  void decodesOnlyUnreservedEscapes() {
    assertThat(norm("/%61%62c")).isEqualTo("/abc");
    assertThat(norm("/a%2fb")).isEqualTo("/a%2Fb");
    assertThat(norm("/a%20b")).isEqualTo("/a%20b");
    // Decoding happens before dot segments are resolved, so an escaped ".." cannot sneak past.
    assertThat(norm("/a/%2E%2E/b")).isEqualTo("/b");
  }

  @Test
  void rejectsBrokenEscapesAndRelativePaths() {
    assertThatThrownBy(() -> norm("/a%zz")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> norm("/a%2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RequestTarget.parse("a/b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void splitsTheQueryAndLeavesItUntouched() {
    RequestTarget t = RequestTarget.parse("/a//b/../c?x=%2F&y=1#frag");
    assertThat(t.path()).isEqualTo("/a/c");
    assertThat(t.rawQuery()).isEqualTo("x=%2F&y=1");
    assertThat(t.pathAndQuery()).isEqualTo("/a/c?x=%2F&y=1");
    assertThat(RequestTarget.parse("/p").rawQuery()).isNull();
  }

  @Test
  void acceptsAbsoluteForm() {
    assertThat(RequestTarget.parse("http://example.com:8080/a?b=1").pathAndQuery())
        .isEqualTo("/a?b=1");
    assertThat(RequestTarget.parse("http://example.com").path()).isEqualTo("/");
    assertThat(RequestTarget.parse("http://example.com?q").pathAndQuery()).isEqualTo("/?q");
  }

  @Test
  void encodedSlashAndBackslashAreNeverSegmentSeparators() {
    // One documented way: %2F and %5C stay encoded (upper-case hex), a raw backslash is an ordinary
    // character; none of them splits segments or takes part in dot-segment removal.
    assertThat(norm("/a%2fb/../c")).isEqualTo("/c");
    assertThat(norm("/a%2F..%2Fb")).isEqualTo("/a%2F..%2Fb");
    assertThat(norm("/a%5c..%5Cb")).isEqualTo("/a%5C..%5Cb");
    assertThat(norm("/a\\..\\b")).isEqualTo("/a\\..\\b");
    assertThat(norm("/admin%2F")).isNotEqualTo("/admin/");
  }
}
