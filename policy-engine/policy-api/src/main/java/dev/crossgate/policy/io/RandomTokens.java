package dev.crossgate.policy.io;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random secrets as URL-safe base64 text (no padding) that never starts with {@code -}: a token
 * is passed on command lines ({@code --token <t>}, {@code --join-token <t>}), where a leading
 * dash reads as an option (a token starting {@code -V} was taken for picocli's {@code -V}).
 */
public final class RandomTokens {

  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private RandomTokens() {}

  /** {@code bytes} random bytes from {@code random} as text; drawn again while it starts '-'. */
  public static String of(SecureRandom random, int bytes) {
    byte[] value = new byte[bytes];
    String text;
    do {
      random.nextBytes(value);
      text = BASE64.encodeToString(value);
    } while (text.startsWith("-"));
    return text;
  }
}
