package dev.crossgate.waf.detect;

import java.util.List;
import java.util.regex.Pattern;

/**
 * SQL injection detection after libinjection's design: tokenize the input in three quote contexts,
 * fold it into a token fingerprint (at most 5 tokens) and look the fingerprint up. Instead of
 * libinjection's generated list of several thousand fingerprints, the lookup is a small set of
 * fingerprint shapes (see {@link #SHAPES}); it is deliberately conservative.
 */
public final class SqliDetector {

  /** Fingerprint shapes that indicate SQL injection. */
  static final Pattern SHAPES = Pattern.compile(String.join("|",
      "UE", "U\\(E", "U[k]E", // union select
      "^s&[s1nvf(]", "^1&[s1nf(]", "^s[o][s1nv]", // ' or 1=1 / 1 or 1=1 / 'x'='x
      "^[s1n]&[1nsv]o", "^[s1n]&\\(", // 1 and (
      "^[s1n];E", ";E", // stacked
      "^s[c]", "^1c", "^[s1n]\\)[&;oUc]", // break-out then comment/logic
      "^s&f\\(", "^1&f\\(", "of\\(", "&f\\(", // logic with function
      "^so[f]", "^sf\\(", "^f\\(1\\)", "^s\\)+[&;oUcE]", "^[1n]\\)+[&;Uc]", // break-out then function / statement
      "^E[1nvf(s]", "^Ef\\(", "^[sn1]B", "^[s1]k", "^nk1", "^ok", "^[s1n]U"));

  private SqliDetector() {
  }

  /** True when {@code input} looks like SQL injection. */
  public static boolean isSqli(String input) {
    if (input.isEmpty()) {
      return false;
    }
    for (char ctx : new char[] {0, '\'', '"'}) {
      if (ctx != 0 && input.indexOf(ctx) < 0) {
        continue;
      }
      String fp = fingerprint(input, ctx);
      if (fp.length() >= 2 && SHAPES.matcher(fp).find() && !benign(fp, ctx)) {
        return true;
      }
    }
    return false;
  }

  private static boolean benign(String fp, char ctx) {
    // plain words and numbers only
    return fp.chars().allMatch(c -> c == 'n' || c == '1' || c == 's') && ctx == 0;
  }

  static String fingerprint(String input, char ctx) {
    List<Character> toks = SqlTokenizer.tokenize(input, ctx, 8);
    StringBuilder sb = new StringBuilder();
    char prev = 0;
    for (char t : toks) {
      // fold repeated bareword/number runs as libinjection does
      if ((t == 'n' || t == '1') && (prev == 'n' || prev == '1')) {
        continue;
      }
      sb.append(t);
      prev = t;
      if (sb.length() == 5) {
        break;
      }
    }
    return sb.toString();
  }
}
