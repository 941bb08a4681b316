package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class DurationConverterTest {

  private final DurationConverter converter = new DurationConverter();

  @ParameterizedTest
  @CsvSource({
      "500ms, PT0.5S",
      "2s,    PT2S",
      "5m,    PT5M",
      "1h,    PT1H",
      "0s,    PT0S",
      "' 90s ', PT1M30S",
  })
  void readsANumberAndAUnit(String text, Duration expected) {
    assertThat(converter.convert(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "2", "s", "2 s", "-1s", "1.5s", "2S", "1d", "1234567890s", "2sec"})
  void rejectsAnythingElseSayingWhatIsExpected(String text) {
    assertThatThrownBy(() -> converter.convert(text))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessage("'" + text
            + "' (expected: a number and a unit: ms, s, m or h, e.g. 500ms or 2s)");
  }
}
