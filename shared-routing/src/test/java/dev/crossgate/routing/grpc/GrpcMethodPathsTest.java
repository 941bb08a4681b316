package dev.crossgate.routing.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossgate.policy.model.GrpcRoute;
import dev.crossgate.policy.model.HttpRoute;
import dev.crossgate.routing.route.RouteEntry;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GrpcMethodPathsTest {

  private static HttpRoute.PathMatch of(String type, String service, String method) {
    return GrpcMethodPaths.of(new GrpcRoute.MethodMatch(type, service, method));
  }

  private static boolean regexMatches(HttpRoute.PathMatch match, String path) {
    assertThat(match.type()).isEqualTo("RegularExpression");
    return Pattern.compile(match.value()).matcher(path).matches();
  }

  @Test
  void exactServiceAndMethodIsAnExactPath() {
    assertThat(of("Exact", "pkg.Users", "Get"))
        .isEqualTo(new HttpRoute.PathMatch("Exact", "/pkg.Users/Get"));
    assertThat(of(null, "pkg.Users", "Get"))
        .isEqualTo(new HttpRoute.PathMatch("Exact", "/pkg.Users/Get"));
  }

  @Test
  void serviceAloneMatchesEveryMethodOfItLiterally() {
    assertThat(of(null, "pkg.Users", null))
        .isEqualTo(new HttpRoute.PathMatch("RegularExpression", "/\\Qpkg.Users\\E/[^/]+"));
    assertThat(regexMatches(of(null, "pkg.Users", null), "/pkg.Users/Get")).isTrue();
    assertThat(regexMatches(of(null, "pkg.Users", null), "/pkgxUsers/Get")).isFalse();
    assertThat(regexMatches(of(null, "pkg.Users", null), "/pkg.Users/")).isFalse();
  }

  @Test
  void rankCountsServiceThenMethodCharacters() {
    assertThat(GrpcMethodPaths.rank(new GrpcRoute.MethodMatch(null, "pkg.Users", "Get")))
        .isEqualTo(new RouteEntry.GrpcRank(9, 3));
    assertThat(GrpcMethodPaths.rank(new GrpcRoute.MethodMatch(null, null, "Get")))
        .isEqualTo(new RouteEntry.GrpcRank(0, 3));
    assertThat(GrpcMethodPaths.rank(null)).isEqualTo(RouteEntry.GrpcRank.NONE);
  }

  @Test
  void methodAloneMatchesItInAnyServiceLiterally() {
    HttpRoute.PathMatch match = of(null, null, "Get.All");
    assertThat(regexMatches(match, "/a.B/Get.All")).isTrue();
    assertThat(regexMatches(match, "/a.B/GetxAll")).isFalse();
    assertThat(regexMatches(match, "/Get.All")).isFalse();
    assertThat(regexMatches(match, "//Get.All")).isFalse();
    assertThat(regexMatches(match, "/a/b/Get.All")).isFalse();
  }

  @Test
  void regularExpressionsMatchWholeParts() {
    HttpRoute.PathMatch match = of("RegularExpression", "pkg\\.v[0-9]+\\.Users", "Get|List");
    assertThat(regexMatches(match, "/pkg.v2.Users/List")).isTrue();
    assertThat(regexMatches(match, "/pkg.v2.Users/Get")).isTrue();
    assertThat(regexMatches(match, "/pkg.v2.Users/ListAll")).isFalse();
    assertThat(regexMatches(match, "/xpkg.v2.Users/Get")).isFalse();
    assertThat(regexMatches(of("RegularExpression", "pkg\\..*", null), "/pkg.A/Any")).isTrue();
    assertThat(regexMatches(of("RegularExpression", null, "Get.*"), "/a.B/GetAll")).isTrue();
  }

  @Test
  void noMethodMatchesEveryCall() {
    assertThat(GrpcMethodPaths.of(null)).isEqualTo(new HttpRoute.PathMatch("PathPrefix", "/"));
  }

  @Test
  void unknownTypeIsRefused() {
    assertThatThrownBy(() -> of("Prefix", "a", "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("type: Prefix (expected: Exact or RegularExpression)");
  }
}
