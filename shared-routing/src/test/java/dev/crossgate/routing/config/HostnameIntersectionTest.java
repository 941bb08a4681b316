package dev.crossgate.routing.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostnameIntersectionTest {

  @Test
  void withoutListenerHostnameTheRouteHostnamesApplyLowerCased() {
    assertThat(HostnameIntersection.of(null, List.of("A.example.com", "*.b.com")))
        .containsExactly("a.example.com", "*.b.com");
    assertThat(HostnameIntersection.of("", List.of("a.com"))).containsExactly("a.com");
    assertThat(HostnameIntersection.of(null, List.of())).isEmpty();
  }

  @Test
  void routeWithoutHostnamesTakesTheListenerHostname() {
    assertThat(HostnameIntersection.of("Shop.Example.com", List.of()))
        .containsExactly("shop.example.com");
  }

  @Test
  void wildcardListenerKeepsTheRouteHostnamesItCovers() {
    assertThat(HostnameIntersection.of("*.example.com",
        List.of("a.example.com", "other.org", "example.com", "x.y.example.com")))
        .containsExactly("a.example.com", "x.y.example.com");
  }

  @Test
  void wildcardRouteNarrowsToTheListenerHostname() {
    assertThat(HostnameIntersection.of("a.example.com", List.of("*.example.com")))
        .containsExactly("a.example.com");
  }

  @Test
  void narrowerWildcardWins() {
    assertThat(HostnameIntersection.of("*.example.com", List.of("*.a.example.com")))
        .containsExactly("*.a.example.com");
    assertThat(HostnameIntersection.of("*.a.example.com", List.of("*.example.com")))
        .containsExactly("*.a.example.com");
  }

  @Test
  void exactMatchIgnoresCase() {
    assertThat(HostnameIntersection.of("A.example.com", List.of("a.EXAMPLE.com")))
        .containsExactly("a.example.com");
  }

  @Test
  void disjointHostnamesDoNotAttach() {
    assertThat(HostnameIntersection.of("a.example.com", List.of("b.example.com"))).isNull();
    assertThat(HostnameIntersection.of("*.example.com", List.of("example.com"))).isNull();
    assertThat(HostnameIntersection.of("*.example.com", List.of("*.other.com"))).isNull();
  }
}
