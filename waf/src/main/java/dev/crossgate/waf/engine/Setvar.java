package dev.crossgate.waf.engine;

import java.util.Locale;

/** The setvar action: {@code tx.a=1}, {@code tx.a=+5}, {@code tx.a=-1}, {@code !tx.a}, {@code tx.a}. */
final class Setvar {

  private Setvar() {
  }

  static void apply(Transaction tx, String spec) {
    String s = spec.trim();
    boolean delete = s.startsWith("!");
    if (delete) {
      s = s.substring(1);
    }
    int eq = s.indexOf('=');
    String name = tx.expand(eq < 0 ? s : s.substring(0, eq)).trim();
    int dot = name.indexOf('.');
    if (dot < 0) {
      return;
    }
    String coll = name.substring(0, dot).toUpperCase(Locale.ROOT);
    String key = name.substring(dot + 1).toLowerCase(Locale.ROOT);
    Variables v = tx.vars();
    if (delete) {
      v.deleteIn(coll, key);
      return;
    }
    if (eq < 0) {
      v.setIn(coll, key, "1");
      return;
    }
    String raw = s.substring(eq + 1);
    if (raw.startsWith("+") || raw.startsWith("-")) {
      String amount = tx.expand(raw.substring(1));
      long cur = parse(v.getIn(coll, key));
      long d = parse(amount);
      v.setIn(coll, key, Long.toString(raw.charAt(0) == '+' ? cur + d : cur - d));
      return;
    }
    v.setIn(coll, key, tx.expand(raw));
  }

  private static long parse(String s) {
    if (s == null) {
      return 0;
    }
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
