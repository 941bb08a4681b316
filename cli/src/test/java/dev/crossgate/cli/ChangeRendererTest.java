package dev.crossgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The line diff that dry runs and {@code crossgate diff} print. */
class ChangeRendererTest {

  @Test
  void showsChangedLinesWithContextAndGaps() {
    List<String> before = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i");
    List<String> after = List.of("a", "B", "c", "d", "e", "f", "g", "h", "i", "j");

    assertThat(ChangeRenderer.diff(before, after)).containsExactly(
        "  a", "- b", "+ B", "  c", "  d", "  ...", "  h", "  i", "+ j");
  }

  @Test
  void anAddedResourceIsAllPlus() {
    assertThat(ChangeRenderer.diff(List.of(), List.of("x", "y"))).containsExactly("+ x", "+ y");
  }
}
