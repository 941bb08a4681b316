package dev.crossgate.policy.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomTokensTest {

  @Test
  void noTokenStartsWithADashAndEachIsUrlSafeBase64OfItsBytes() {
    // One token in 64 would start with '-' if drawn once: 20,000 would hold ~300 of them.
    SecureRandom random = new SecureRandom();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      String token = RandomTokens.of(random, 8);
      assertThat(token).doesNotStartWith("-").hasSize(11).matches("[A-Za-z0-9_-]+");
      seen.add(token);
    }
    assertThat(seen).hasSize(20_000);
    assertThat(RandomTokens.of(random, 32)).hasSize(43);
  }
}
