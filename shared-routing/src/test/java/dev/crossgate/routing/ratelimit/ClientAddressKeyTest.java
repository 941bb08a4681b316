package dev.crossgate.routing.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressKeyTest {

  private final ClientAddressKey key = new ClientAddressKey(List.of(
      CidrBlock.parse("10.0.0.0/8"), CidrBlock.parse("fd00::/8"), CidrBlock.parse("192.0.2.7")));

  @Test
  void anUntrustedPeerIsTheClientWhateverItForwards() {
    assertThat(key.clientOf("203.0.113.9", List.of("1.2.3.4"))).isEqualTo("203.0.113.9");
  }

  @Test
  void aTrustedPeerIsSkippedForTheRightmostUntrustedHop() {
    assertThat(key.clientOf("10.1.2.3", List.of("6.6.6.6, 198.51.100.4, 10.9.9.9")))
        .isEqualTo("198.51.100.4");
    assertThat(key.clientOf("192.0.2.7", List.of("6.6.6.6", "198.51.100.4")))
        .isEqualTo("198.51.100.4");
    assertThat(key.clientOf("fd00::1", List.of("2001:db8::5"))).isEqualTo("2001:db8::5");
  }

  @Test
  void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
    assertThat(key.clientOf("10.0.0.1", List.of("10.0.0.2, 10.0.0.3"))).isEqualTo("10.0.0.2");
  }

  @Test
  void aTrustedPeerWithoutTheHeaderIsItself() {
    assertThat(key.clientOf("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
  }

  @Test
  void garbageInTheHeaderIsAnUntrustedKeyNotAnError() {
    assertThat(key.clientOf("10.0.0.1", List.of("not-an-ip"))).isEqualTo("not-an-ip");
  }

  @Test
  void cidrBlocksMatchByPrefix() {
    CidrBlock block = CidrBlock.parse("172.16.0.0/12");
    assertThat(block.contains(CidrBlock.parseAddress("172.31.255.255"))).isTrue();
    assertThat(block.contains(CidrBlock.parseAddress("172.32.0.0"))).isFalse();
    assertThat(block.contains(CidrBlock.parseAddress("::ffff:172.16.0.1"))).isTrue();
    assertThat(CidrBlock.parse("0.0.0.0/0").contains(CidrBlock.parseAddress("8.8.8.8"))).isTrue();
  }

  @Test
  void badCidrsSayWhatWasExpected() {
    assertThatThrownBy(() -> CidrBlock.parse("10.0.0.0/33"))
        .hasMessage("CIDR 10.0.0.0/33: prefix length (expected: 0 to 32)");
    assertThatThrownBy(() -> CidrBlock.parse("example.com/8"))
        .hasMessageContaining("is not an IP literal");
  }
}
