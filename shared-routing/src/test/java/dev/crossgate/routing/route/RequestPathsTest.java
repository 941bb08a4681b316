package dev.crossgate.routing.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/, /",
    "/a/b, /a/b",
    "/a/b/, /a/b/",
    "/.well-known/x, /.well-known/x",
    "/a..b/..c, /a..b/..c",
    "//a///b, /a/b",
    "/a//, /a/",
    "/./a, /a",
    "/a/./b/., /a/b/",
    "/a/b/.., /a/",
    "/a/b/../c, /a/c",
    "/../../a, /a",
    "/.., /",
    "/a/.., /",
    "/%41%7a%30%2D%2e%5F%7E, /Az0-._~",
    "/a%3a%c3%a9, /a%3A%C3%A9",
    "/a%20b, /a%20b",
    "/é, /%C3%A9",
  })
  void normalizes(String raw, String expected) {
    assertThat(RequestPaths.normalize(raw)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/admin", "/./admin", "//admin", "/%61dmin", "/x/../admin", "/%2e/admin",
        "/%2E%2E/admin", "/x/%2e%2e/admin", "/.//./admin", "///x//..//admin", "/admin/.",
      })
  void traversalAttemptsCollapseToTheSamePath(String raw) {
    assertThat(RequestPaths.normalize(raw)).isIn("/admin", "/admin/");
  }

  @Test
  void canonicalPathIsReturnedAsIs() {
    String path = "/api/v1/users";
    assertThat(RequestPaths.normalize(path)).isSameAs(path);
  }

  @Test
  void rejectsMissingLeadingSlash() {
    assertThatThrownBy(() -> RequestPaths.normalize("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path: 'a/b' (expected: a path starting with '/')");
    assertThatThrownBy(() -> RequestPaths.normalize("*"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RequestPaths.normalize(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsEncodedSlashAndBackslash() {
    assertThatThrownBy(() -> RequestPaths.normalize("/a%2Fb"))
        .hasMessage("path: '/a%2Fb' (expected: no encoded '/' or '\\' (found %2F at index 2))");
    assertThatThrownBy(() -> RequestPaths.normalize("/a%5cb"))
        .hasMessageContaining("found %5c at index 2");
    assertThatThrownBy(() -> RequestPaths.normalize("/a\\b"))
        .hasMessageContaining("no '\\' (found at index 2)");
  }

  @Test
  void rejectsMalformedEscapes() {
    assertThatThrownBy(() -> RequestPaths.normalize("/a%zz"))
        .hasMessage("path: '/a%zz' (expected: '%' followed by two hex digits at index 2)");
    assertThatThrownBy(() -> RequestPaths.normalize("/a%4"))
        .hasMessageContaining("at index 2");
    assertThatThrownBy(() -> RequestPaths.normalize("/a%"))
        .hasMessageContaining("at index 2");
  }

  @Test
  void rejectsControlCharactersRawOrEncoded() {
    assertThatThrownBy(() -> RequestPaths.normalize("/a\u0000b"))
        .hasMessage(
            "path: '/a\\u0000b' (expected: no control character (found U+0000 at index 2))");
    assertThatThrownBy(() -> RequestPaths.normalize("/a\nb"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RequestPaths.normalize("/a%00"))
        .hasMessageContaining("no encoded control character (found %00 at index 2)");
    assertThatThrownBy(() -> RequestPaths.normalize("/a%7f"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsQueryAndFragment() {
    assertThatThrownBy(() -> RequestPaths.normalize("/a?b=1"))
        .hasMessageContaining("no '?' (found at index 2)");
    assertThatThrownBy(() -> RequestPaths.normalize("/a#x"))
        .hasMessageContaining("no '#'");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> RequestPaths.normalize(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("rawPath");
  }
}
