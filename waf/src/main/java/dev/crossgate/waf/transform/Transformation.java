package dev.crossgate.waf.transform;

import java.util.function.UnaryOperator;

/**
 * A named transformation function.
 *
 * @param name the SecLang name as written (e.g. {@code urlDecodeUni})
 * @param fn the function on byte strings (one char per byte)
 */
public record Transformation(String name, UnaryOperator<String> fn) {

  /** Applies the transformation. */
  public String apply(String s) {
    return fn.apply(s);
  }
}
