package dev.crossgate.routing.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedChoiceTest {

  @Test
  void honoursWeightsAndNeverPicksZeroWeight() {
    WeightedChoice<String> choice =
        WeightedChoice.of(List.of("a", "b", "zero"), List.of(1, 3, 0));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 40_000; i++) {
      counts.merge(choice.pick(), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys("a", "b");
    assertThat(counts.get("a")).isBetween(9_000, 11_000);
    assertThat(counts.get("b")).isBetween(29_000, 31_000);
    assertThat(choice.totalWeight()).isEqualTo(4);
    assertThat(choice.items()).containsExactly("a", "b");
  }

  @Test
  void weightRangesAreExact() {
    WeightedChoice<String> choice =
        WeightedChoice.of(List.of("a", "zero", "b", "c"), List.of(2, 0, 1, 3));
    String[] picked = new String[6];
    for (int p = 0; p < 6; p++) {
      picked[p] = choice.at(p);
    }
    assertThat(Arrays.asList(picked)).containsExactly("a", "a", "b", "c", "c", "c");
  }

  @Test
  void nullWeightCountsAsOne() {
    WeightedChoice<String> choice = WeightedChoice.of(List.of("a", "b"), Arrays.asList(null, 1));
    assertThat(choice.totalWeight()).isEqualTo(2);
  }

  @Test
  void nothingToPickGivesNull() {
    assertThat(WeightedChoice.of(List.of(), List.of()).pick()).isNull();
    assertThat(WeightedChoice.of(List.of("a", "b"), List.of(0, 0)).pick()).isNull();
  }

  @Test
  void rejectsBadWeights() {
    assertThatThrownBy(() -> WeightedChoice.of(List.of("a"), List.of(-1)))
        .hasMessage("weights[0]: -1 (expected: >= 0)");
    assertThatThrownBy(() -> WeightedChoice.of(List.of("a"), List.of(1, 2)))
        .hasMessage("weights: 2 values for 1 items (expected: one weight per item)");
  }

  @Test
  void largeWeightsDoNotOverflow() {
    WeightedChoice<String> choice =
        WeightedChoice.of(
            List.of("a", "b", "c"), List.of(Integer.MAX_VALUE, Integer.MAX_VALUE, 1));
    assertThat(choice.totalWeight()).isEqualTo(2L * Integer.MAX_VALUE + 1);
    assertThat(choice.at(2L * Integer.MAX_VALUE)).isEqualTo("c");
  }
}
