package dev.archway.dataplane.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathPrefixTest {
  @Test
  void matchesWholeSegmentsOnly() {
    assertThat(PathPrefix.matches("/abc", "/abc")).isTrue();
    assertThat(PathPrefix.matches("/abc", "/abc/")).isTrue();
    assertThat(PathPrefix.matches("/abc", "/abc/x")).isTrue();
    assertThat(PathPrefix.matches("/abc", "/abcd")).isFalse();
    assertThat(PathPrefix.matches("/abc", "/ab")).isFalse();
    assertThat(PathPrefix.matches("", "/anything")).isTrue();
  }

  @Test
  void stripsTheTrailingSlash() {
    assertThat(PathPrefix.strip("/abc/")).isEqualTo("/abc");
    assertThat(PathPrefix.strip("/")).isEmpty();
  }

  @Test
  void replacesThePrefixSegmentWise() {
    assertThat(PathPrefix.replace("/prefix/one/two", "/prefix/one", "/one")).isEqualTo("/one/two");
    assertThat(PathPrefix.replace("/strip-prefix/three", "/strip-prefix", "/")).isEqualTo("/three");
    assertThat(PathPrefix.replace("/strip-prefix", "/strip-prefix", "/")).isEqualTo("/");
    assertThat(PathPrefix.replace("/strip-prefix/", "/strip-prefix", "/")).isEqualTo("/");
    assertThat(
            PathPrefix.replace("/original-prefix/lemon", "/original-prefix", "/replacement-prefix"))
        .isEqualTo("/replacement-prefix/lemon");
    assertThat(PathPrefix.replace("/x", "/", "/foo")).isEqualTo("/foo/x");
    assertThat(PathPrefix.replace("/a/b", "/a/", "/c/")).isEqualTo("/c/b");
    assertThat(PathPrefix.replace("/other", "/prefix", "/x")).isEqualTo("/other");
  }
}
