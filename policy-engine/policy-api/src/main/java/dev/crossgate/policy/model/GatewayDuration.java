package dev.crossgate.policy.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Gateway API duration ({@code GEP-2257}): one to four number-unit pairs such as {@code 10s},
 * {@code 500ms}, {@code 1h} or {@code 1m30s}, units {@code h}, {@code m}, {@code s}, {@code ms},
 * each number at most five digits. Parsed once; the original text is kept for round-trips.
 *
 * @param text the duration as written
 * @param duration its value
 */
public record GatewayDuration(String text, Duration duration) implements Comparable<GatewayDuration> {

  /** The syntax, as the Gateway API specifies it. */
  public static final String PATTERN = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";

  /** What a valid duration looks like, for messages. */
  public static final String EXPECTED = "a duration like 10s, 500ms, 1h or 1m30s";

  private static final Pattern SYNTAX = Pattern.compile(PATTERN);
  private static final Pattern PART = Pattern.compile("([0-9]{1,5})(h|ms|m|s)");

  public GatewayDuration {
    requireNonNull(text, "text");
    requireNonNull(duration, "duration");
  }

  /** Parses {@code text}, or empty when it is not a Gateway API duration. */
  public static Optional<GatewayDuration> parse(String text) {
    if (text == null || !SYNTAX.matcher(text).matches()) {
      return Optional.empty();
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
              });
    }
    return Optional.of(new GatewayDuration(text, total));
  }

  /** Parses {@code text} or throws {@link IllegalArgumentException}; for code and tests. */
  public static GatewayDuration of(String text) {
    return parse(text)
        .orElseThrow(() -> new IllegalArgumentException(text + " (expected: " + EXPECTED + ")"));
  }

  /** The duration in milliseconds. */
  public long toMillis() {
    return duration.toMillis();
  }

  @Override
  public int compareTo(GatewayDuration other) {
    return duration.compareTo(other.duration);
  }

  @Override
  public String toString() {
    return text;
  }
}
