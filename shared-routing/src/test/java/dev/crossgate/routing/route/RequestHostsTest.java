package dev.crossgate.routing.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.HostAndPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestHostsTest {

  @ParameterizedTest(name = "''{0}'' -> ''{1}''")
  @CsvSource(value = {
    "shop.example.com|shop.example.com",
    "Shop.Example.COM|shop.example.com",
    "shop.example.com.|shop.example.com",
    "B.|b",
    "b..|b.",
    ".|.",
    "''|''",
    "[::1]|[::1]",
  }, delimiter = '|')
  void lowerCasesAndDropsOneTrailingDot(String host, String expected) {
    assertThat(RequestHosts.normalize(host)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "''{0}'' -> ''{1}''")
  @CsvSource(value = {
    "Shop.Example.com.:8443|shop.example.com",
    "b.shop|b.shop",
  }, delimiter = '|')
  void readsTheHostOfAnAuthority(String authority, String expected) {
    assertThat(RequestHosts.of(HostAndPort.parseAuthority(authority, -1))).isEqualTo(expected);
  }

  @Test
  void noAuthorityIsTheEmptyHost() {
    assertThat(RequestHosts.of(null)).isEmpty();
  }
}
