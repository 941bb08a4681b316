package dev.crossgate.routing.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GrpcMethodMatchTest {

  @Test
  void exactServiceAndMethod() {
    GrpcMethodMatch match = GrpcMethodMatch.of("Exact", "pkg.Users", "Get");
    assertThat(match.matchesPath("/pkg.Users/Get")).isTrue();
    assertThat(match.matchesPath("/pkg.Users/List")).isFalse();
    assertThat(match.matchesPath("/pkg.users/Get")).isFalse();
    assertThat(match.matchesPath("/pkg.Users/Get/extra")).isFalse();
  }

  @Test
  void omittedPartsMatchAnything() {
    assertThat(GrpcMethodMatch.of(null, "pkg.Users", null).matchesPath("/pkg.Users/Any"))
        .isTrue();
    assertThat(GrpcMethodMatch.of(null, null, "Health").matchesPath("/a.B/Health")).isTrue();
  }

  @Test
  void regularExpressionsMatchWholeParts() {
    GrpcMethodMatch match = GrpcMethodMatch.of("RegularExpression", "pkg\\.v[0-9]+\\.Users",
        "(Get|List)");
    assertThat(match.matchesPath("/pkg.v2.Users/List")).isTrue();
    assertThat(match.matchesPath("/pkg.v2.Users/ListAll")).isFalse();
    assertThat(match.matchesPath("/xpkg.v2.Users/Get")).isFalse();
  }

  @Test
  void pathsThatAreNotCallsNeverMatch() {
    GrpcMethodMatch any = GrpcMethodMatch.of(null, null, "Get");
    assertThat(any.matchesPath("/")).isFalse();
    assertThat(any.matchesPath("/Get")).isFalse();
    assertThat(any.matchesPath("//Get")).isFalse();
    assertThat(any.matchesPath("/svc/")).isFalse();
  }

  @Test
  void badMatchesAreRefusedWithPreciseMessages() {
    assertThatThrownBy(() -> GrpcMethodMatch.of("Prefix", "a", null))
        .hasMessage("type: Prefix (expected: Exact or RegularExpression)");
    assertThatThrownBy(() -> GrpcMethodMatch.of(null, null, null))
        .hasMessage("service: null, method: null (expected: at least one)");
    assertThatThrownBy(() -> GrpcMethodMatch.of("RegularExpression", "(", null))
        .hasMessageStartingWith("regular expression: (");
  }
}
