package dev.crossgate.waf.regex;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/** Chooses RE2/J when it accepts a pattern and the bounded java.util.regex engine otherwise. */
final class RegexCompiler {

  /** Steps (character reads) one java.util.regex search may make before it is abandoned. */
  static final long STEP_BUDGET = 2_000_000L;

  private RegexCompiler() {
  }

  static WafRegex compile(String pattern, boolean caseInsensitive) {
    int flags = com.google.re2j.Pattern.DOTALL | (caseInsensitive ? com.google.re2j.Pattern.CASE_INSENSITIVE : 0);
    try {
      com.google.re2j.Pattern p = com.google.re2j.Pattern.compile(pattern, flags);
      return new Re2(pattern, p);
    } catch (com.google.re2j.PatternSyntaxException e) {
      int jflags = java.util.regex.Pattern.DOTALL | (caseInsensitive ? java.util.regex.Pattern.CASE_INSENSITIVE : 0);
      try {
        return new Bounded(pattern, java.util.regex.Pattern.compile(pattern, jflags));
      } catch (PatternSyntaxException e2) {
        throw new IllegalArgumentException("invalid regular expression: " + e2.getDescription() + " in /" + pattern + "/", e2);
      }
    }
  }

  private record Re2(String pattern, com.google.re2j.Pattern p) implements WafRegex {
    @Override
    public List<String> find(String input) {
      com.google.re2j.Matcher m = p.matcher(input);
      if (!m.find()) {
        return null;
      }
      int n = Math.min(m.groupCount(), 9);
      List<String> groups = new ArrayList<>(n + 1);
      for (int i = 0; i <= n; i++) {
        groups.add(m.group(i));
      }
      return groups;
    }

    @Override
    public boolean linear() {
      return true;
    }
  }

  private record Bounded(String pattern, java.util.regex.Pattern p) implements WafRegex {
    @Override
    public List<String> find(String input) {
      java.util.regex.Matcher m = p.matcher(new BudgetCharSequence(input, STEP_BUDGET));
      try {
        if (!m.find()) {
          return null;
        }
      } catch (BudgetCharSequence.BudgetExceeded | StackOverflowError e) {
        // too expensive for a backtracking engine: treated as no match, never as a hang
        return null;
      }
      int n = Math.min(m.groupCount(), 9);
      List<String> groups = new ArrayList<>(n + 1);
      for (int i = 0; i <= n; i++) {
        groups.add(m.group(i));
      }
      return groups;
    }

    @Override
    public boolean linear() {
      return false;
    }
  }
}
