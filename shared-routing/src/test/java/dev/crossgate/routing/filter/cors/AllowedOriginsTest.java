package dev.crossgate.routing.filter.cors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedOriginsTest {

  private final AllowedOrigins origins =
      new AllowedOrigins(List.of("https://App.example.com", "https://*.example.org:8443"));

  @Test
  void exactOriginsCompareCaseInsensitivelyWithSchemeAndPort() {
    assertThat(origins.allows("https://app.EXAMPLE.com")).isTrue();
    assertThat(origins.allows("http://app.example.com")).isFalse();
    assertThat(origins.allows("https://app.example.com:443")).isFalse();
    assertThat(origins.any()).isFalse();
  }

  @Test
  void wildcardsNeedAtLeastOneWholeLabelAndTheSamePort() {
    assertThat(origins.allows("https://a.example.org:8443")).isTrue();
    assertThat(origins.allows("https://a.b.example.org:8443")).isTrue();
    assertThat(origins.allows("https://example.org:8443")).isFalse();
    assertThat(origins.allows("https://a.example.org")).isFalse();
    assertThat(origins.allows("https://evil.com/.example.org:8443")).isFalse();
    assertThat(origins.allows("https://evil..example.org:8443")).isFalse();
    assertThat(origins.allows("http://a.example.org:8443")).isFalse();
  }

  @Test
  void starAllowsEveryOrigin() {
    AllowedOrigins any = new AllowedOrigins(List.of("*"));
    assertThat(any.any()).isTrue();
    assertThat(any.allows("null")).isTrue();
  }
}
