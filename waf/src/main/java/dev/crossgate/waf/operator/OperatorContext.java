package dev.crossgate.waf.operator;

import java.util.List;

/** What an operator may ask of the running transaction. */
public interface OperatorContext {

  /** Expands {@code %{tx.x}} macros in an operator parameter. */
  String expand(String text);

  /** True when the running rule captures (groups are costly to extract otherwise). */
  default boolean captureWanted() {
    return true;
  }

  /** Records capture groups (group 0 first) when the rule captures. */
  void captured(List<String> groups);
}
