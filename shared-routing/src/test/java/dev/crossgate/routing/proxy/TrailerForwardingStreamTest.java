package dev.crossgate.routing.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrailerForwardingStreamTest {

  @Test
  void smallAnnouncedBodiesAreHeldUpToTheirLength() {
    assertThat(TrailerForwardingStream.coalescing("1024")).isEqualTo(1024);
    assertThat(TrailerForwardingStream.coalescing(" 16384 ")).isEqualTo(16 * 1024);
  }

  @Test
  void largeUnknownEmptyOrMalformedLengthsStream() {
    assertThat(TrailerForwardingStream.coalescing("16385")).isZero();
    assertThat(TrailerForwardingStream.coalescing(null)).isZero();
    assertThat(TrailerForwardingStream.coalescing("0")).isZero();
    assertThat(TrailerForwardingStream.coalescing("-5")).isZero();
    assertThat(TrailerForwardingStream.coalescing("12, 12")).isZero();
    assertThat(TrailerForwardingStream.coalescing("99999999999999999999")).isZero();
  }
}
